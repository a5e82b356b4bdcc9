"""Never calls optimizer.zero_grad(): gradients of all earlier epochs pile up."""
import torch

from solutions.reward_ranking import *  # noqa: F401,F403
from solutions.reward_ranking import bradley_terry_loss


def train_reward_model(model, chosen_features, rejected_features, *, epochs, lr, seed=0):
    if not isinstance(model, torch.nn.Module):
        raise TypeError("model must be a torch.nn.Module")
    if chosen_features.shape != rejected_features.shape or chosen_features.dim() != 2:
        raise ValueError("features must be 2-D and of the same shape")
    if type(epochs) is not int or epochs < 1 or not lr > 0:
        raise ValueError("epochs must be >= 1 and lr > 0")
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    was_training = model.training
    model.train()
    losses = []
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for _ in range(epochs):
            r_chosen = model(chosen_features)
            if r_chosen.shape != chosen_features.shape[:1]:
                raise ValueError("model must return one reward per row")
            loss = bradley_terry_loss(r_chosen, model(rejected_features))
            loss.backward()
            optimizer.step()
            losses.append(float(loss.detach()))
    model.train(was_training)
    return losses

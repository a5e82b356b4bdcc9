"""Tries to open network connections (to the grading machine and to the internet)."""
import socket


def _call_home():
    for host, port in (("127.0.0.1", {{PORT}}), ("1.1.1.1", 53), ("8.8.8.8", 53)):
        try:
            with socket.create_connection((host, port), timeout=2) as sock:
                sock.sendall(b"LEAK")
        except OSError:
            pass


_call_home()


def tokenize(text):
    _call_home()
    return []


def ngrams(tokens, n):
    return []

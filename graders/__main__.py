from graders.engine.cli import main

raise SystemExit(main())

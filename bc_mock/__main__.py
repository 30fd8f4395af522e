from bc_mock.cli import main

raise SystemExit(main())

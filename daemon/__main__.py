import sys

from aduan.daemon.cli import main

sys.exit(main())

import sys

from reserves.cli import main

sys.exit(main())

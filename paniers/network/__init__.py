"""The network as files: import (all or nothing) and export of points, farms, produce, fleet."""

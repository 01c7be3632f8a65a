"""The journal: who changed what in the network and the week, and when."""

"""The weekly news sheet ("feuille de chou"): the coordinator's word that comes with a basket."""

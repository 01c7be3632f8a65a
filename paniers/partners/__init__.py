"""Partners (an Open Food Network hub, another Cocagne garden) reading the network's
catalogue as Data Food Consortium JSON-LD, with a token a coordinator issues and revokes."""

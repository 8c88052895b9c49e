"""Cities: the gazetteer of places a city can be, and who may take part in the program."""

"""citycert: a data-excellence certification program for city governments."""

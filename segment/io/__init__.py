"""Inputs found (:mod:`.inputs`), staged into the engine (:mod:`.staging`) and outputs written (:mod:`.outputs`)."""

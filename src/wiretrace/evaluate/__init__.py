"""Evaluation on the real data sets: METER, MSRP, Clough & Stevenson, extraction."""

"""Test support code: the realistic Eerste Kamer paper generator (`papergen`)."""

"""Text and figures in the reader's language: numbers and dates formatted per language (formatting.py, with
Django's format modules in formats/), and names cleaned of bidirectional controls (text.py)."""

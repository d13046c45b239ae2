"""Renderers: terminal text, sequence and state diagrams, reports and CI formats."""

"""Development tools: the seeded example school and the generated documentation tables."""

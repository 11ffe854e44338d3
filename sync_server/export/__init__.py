"""Writing an order's results out in the formats customers ask for."""

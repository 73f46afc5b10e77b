"""The demo: catalogue, users and broadcast, the traffic simulator and the seed-demo and simulate commands.

Nothing in the product imports it; it is wired in only by the composition root (app.cli).
"""

"""keeper.bot: the rebalancing bot. Per chain: read (one Multicall3 call at a pinned block), decide (the
shared triggers), plan (the pure planner), simulate, send through a journal that survives restarts, confirm.
"""

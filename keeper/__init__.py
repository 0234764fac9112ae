"""keeper: the index keeper of the DAO-governed crypto index vault.

Sub-packages:

* ``keeper.market``  -- market-data sources behind one interface, and the validation
  that keeps bad data away from the strategies.
* ``keeper.weights`` -- the pure, chain-free strategy core: methodologies, the shared
  constraint projection, the anomaly screen, basis-point conversion, reports and the
  input hash. Entry point: :func:`keeper.weights.compute_target_weights`.
"""

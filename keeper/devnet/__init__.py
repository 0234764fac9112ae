"""keeper.devnet: the embedded two-chain local network the demo and the tests run on."""

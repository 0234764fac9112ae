// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IIndexVault
/// @notice A basket of allowlisted ERC-20 tokens held in kind, with ERC-20 shares that carry votes.
/// @dev Accounting is oracle-free: minting pulls, and redeeming pays, every basket token pro rata to the
/// vault's own accounted holdings. Tokens sent to the vault outside `seed`/`mint` (donations) are never
/// counted, so they cannot move the value of a share. Roles:
/// - owner (the DAO's timelock): basket membership, risk policy, target weights, fees, roles;
/// - guardian: pauses and unpauses minting and rebalancing, nothing else; it can never move funds;
/// - keeper: rebalances within the bounds the owner approved.
/// Redemption is never paused.
interface IIndexVault {
    /// @notice How aggressive a token is, for the per-tier weight bands of the risk policy.
    enum RiskTier {
        Conservative,
        Balanced,
        Aggressive
    }

    /// @notice What the vault knows of one basket token.
    struct Asset {
        address token;
        bytes32 sector; // e.g. "DeFi", "DePIN-compute", "L1": weights are capped per sector
        RiskTier tier;
        uint256 holdings; // accounted balance: the only balance shares have a claim on
        uint16 targetWeightBps; // approved target weight, basis points of the basket's value
    }

    /// @notice Limits every target-weight set must respect. All values in basis points (10_000 = 100%).
    struct RiskPolicy {
        uint16 maxTokenWeightBps;
        uint16 maxSectorWeightBps;
        uint16[3] tierMinBps; // indexed by RiskTier
        uint16[3] tierMaxBps; // indexed by RiskTier
    }

    // ---------------------------------------------------------------- errors: access

    /// @notice `caller` is neither the guardian nor the owner.
    error IndexVault__NotGuardian(address caller);
    /// @notice Minting (and seeding) is paused by the guardian or the owner.
    error IndexVault__MintPaused();

    // ---------------------------------------------------------------- errors: mint, redeem, seed

    /// @notice The vault has no shares yet: it must be seeded first.
    error IndexVault__NotSeeded();
    /// @notice The vault already has `totalSupply` shares: seeding only starts an empty vault.
    error IndexVault__AlreadySeeded(uint256 totalSupply);
    /// @notice A seed must mint more than the `minimum` shares locked forever at the dead address.
    error IndexVault__SeedTooSmall(uint256 shares, uint256 minimum);
    /// @notice A seed must bring a non-zero amount of every basket token; `token` had none.
    error IndexVault__SeedAmountZero(address token);
    /// @notice Zero shares cannot be minted or redeemed.
    error IndexVault__ZeroShares();
    /// @notice A per-token bounds array had `actual` entries where the basket has `expected` tokens.
    error IndexVault__LengthMismatch(uint256 expected, uint256 actual);
    /// @notice Minting would pull `amount` of `token`, more than the caller's `max`.
    error IndexVault__AmountAboveMax(address token, uint256 amount, uint256 max);
    /// @notice Redeeming would pay `amount` of `token`, less than the caller's `min`.
    error IndexVault__AmountBelowMin(address token, uint256 amount, uint256 min);
    /// @notice `token` delivered `received` where `expected` was sent: fee-on-transfer tokens are refused.
    error IndexVault__FeeOnTransfer(address token, uint256 expected, uint256 received);
    /// @notice Shares cannot be minted to, or paid out to, the zero address.
    error IndexVault__ZeroAddress();

    // ---------------------------------------------------------------- errors: basket and governance

    /// @notice `token` is not in the basket.
    error IndexVault__UnknownToken(address token);
    /// @notice `token` is listed twice.
    error IndexVault__DuplicateToken(address token);
    /// @notice `token` cannot leave the basket while the vault still holds `holdings` of it or targets `weightBps`.
    error IndexVault__AssetStillHeld(address token, uint256 holdings, uint256 weightBps);
    /// @notice The basket would exceed `max` tokens.
    error IndexVault__BasketFull(uint256 max);
    /// @notice A weight set lists `tokens` tokens and `weights` weights for a basket of `expected` tokens.
    error IndexVault__WeightsLengthMismatch(uint256 expected, uint256 tokens, uint256 weights);
    /// @notice Target weights must add up to exactly 10_000 bps; these add up to `sumBps`.
    error IndexVault__WeightsSumNot100(uint256 sumBps);
    /// @notice `token`'s weight `weightBps` is above the per-token cap `capBps`.
    error IndexVault__TokenWeightAboveCap(address token, uint256 weightBps, uint256 capBps);
    /// @notice `sector` adds up to `weightBps`, above the per-sector cap `capBps`.
    error IndexVault__SectorWeightAboveCap(bytes32 sector, uint256 weightBps, uint256 capBps);
    /// @notice Risk tier `tier` adds up to `weightBps`, below its floor `floorBps`.
    error IndexVault__TierWeightBelowFloor(RiskTier tier, uint256 weightBps, uint256 floorBps);
    /// @notice Risk tier `tier` adds up to `weightBps`, above its cap `capBps`.
    error IndexVault__TierWeightAboveCap(RiskTier tier, uint256 weightBps, uint256 capBps);
    /// @notice A risk policy is inconsistent: `reason` says how (e.g. a floor above its cap, floors over 100%).
    error IndexVault__InvalidPolicy(string reason);
    /// @notice Decision `nonce` is not newer than the executed decision `currentNonce`.
    error IndexVault__StaleDecision(uint256 nonce, uint256 currentNonce);
    /// @notice The decision's `deadline` has passed (now `timestamp`).
    error IndexVault__DecisionExpired(uint256 deadline, uint256 timestamp);
    /// @notice The management fee `feeBps` is above the hard cap `capBps` a year.
    error IndexVault__FeeAboveCap(uint256 feeBps, uint256 capBps);
    /// @notice Nothing of `token` is held beyond the accounted holdings.
    error IndexVault__NothingToSkim(address token);

    // ---------------------------------------------------------------- errors: trades

    /// @notice `caller` is not the vault's keeper (the rebalancer contract governance appointed).
    error IndexVault__NotKeeper(address caller);
    /// @notice Rebalancing is paused by the guardian or the owner.
    error IndexVault__RebalancePaused();
    /// @notice A trade must sell one token for another; both were `token`.
    error IndexVault__SameToken(address token);
    /// @notice A trade sells `amount` of `token` but the vault accounts only `held` of it.
    error IndexVault__TradeExceedsHoldings(address token, uint256 amount, uint256 held);

    // ---------------------------------------------------------------- errors: votes

    /// @notice The vault keeps the share supply only back to `oldestTimepoint` (the block before the last
    /// supply change); `timepoint` is older. IndexGovernor reads `clock() - 1`, always kept.
    error IndexVault__SupplyHistoryNotKept(uint256 timepoint, uint256 oldestTimepoint);

    // ---------------------------------------------------------------- events

    /// @notice `shares` were minted to `receiver` against `amounts` (basket order) pulled from `caller`.
    event Minted(address indexed caller, address indexed receiver, uint256 shares, uint256[] amounts);
    /// @notice `shares` of `owner` were burnt and `amounts` (basket order) paid to `receiver`.
    event Redeemed(address indexed owner, address indexed receiver, uint256 shares, uint256[] amounts);
    /// @notice An empty vault was started at `amounts`, for `shares` (of which `lockedShares` are locked forever).
    event Seeded(address indexed caller, address indexed receiver, uint256 shares, uint256 lockedShares, uint256[] amounts);
    /// @notice `shares` of management fee accrued (pending until claimed) for the time up to this block.
    event FeeAccrued(uint256 shares);
    /// @notice The pending fee `shares` were minted to `recipient`.
    event FeesClaimed(address indexed recipient, uint256 shares);
    /// @notice The management fee became `feeBps` a year, paid to `recipient`.
    event FeeSet(uint256 feeBps, address indexed recipient);
    event AssetAdded(address indexed token, bytes32 sector, RiskTier tier);
    event AssetRemoved(address indexed token);
    event RiskPolicySet(RiskPolicy policy);
    /// @notice Decision `nonce` set the target weights (basket order), acted on until `deadline`.
    event TargetWeightsSet(uint256 indexed nonce, uint256 deadline, address[] tokens, uint16[] weightsBps);
    event PauseSet(bool mintPaused, bool rebalancePaused, address indexed by);
    event KeeperSet(address indexed keeper);
    event GuardianSet(address indexed guardian);
    /// @notice The keeper sold `amountIn` of `sell` for `amountOut` of `buy`.
    event TradeExecuted(address indexed sell, address indexed buy, uint256 amountIn, uint256 amountOut);
    /// @notice `amount` of `token` the vault held beyond its accounted holdings was sent to `to`.
    event Skimmed(address indexed token, address indexed to, uint256 amount);

    // ---------------------------------------------------------------- holders

    /// @notice Starts an empty vault at the chosen `amounts` (basket order) for `shares`.
    /// @dev `MINIMUM_SHARES` of them are locked at the dead address so the supply never returns to zero.
    function seed(uint256[] calldata amounts, uint256 shares, address receiver) external;

    /// @notice Mints `shares` to `receiver`, pulling from the caller every basket token pro rata,
    /// rounded up, each bounded by `maxAmounts` (basket order).
    /// @return amounts the amounts pulled, basket order
    function mint(uint256 shares, uint256[] calldata maxAmounts, address receiver)
        external
        returns (uint256[] memory amounts);

    /// @notice Burns `shares` of the caller and pays `receiver` every basket token pro rata, rounded down,
    /// each at least `minAmounts` (basket order). Works whatever the pause state.
    /// @return amounts the amounts paid, basket order
    function redeem(uint256 shares, uint256[] calldata minAmounts, address receiver)
        external
        returns (uint256[] memory amounts);

    /// @notice The amounts `mint(shares, ...)` would pull now, fee accrual included.
    function previewMint(uint256 shares) external view returns (uint256[] memory amounts);

    /// @notice The amounts `redeem(shares, ...)` would pay now, fee accrual included.
    function previewRedeem(uint256 shares) external view returns (uint256[] memory amounts);

    /// @notice Accrues the management fee due since the last accrual into the pending fee shares. Every mint,
    /// redeem and trade does this first, so no one joins or leaves at a price that ignores the fee.
    function accrueFee() external;

    /// @notice Mints the pending fee shares (the fee due by now included) to the fee recipient; anyone may
    /// call it. Until claimed, fee shares count in the holdings' accounting but carry no votes.
    /// @return shares the shares minted
    function claimFees() external returns (uint256 shares);

    // ---------------------------------------------------------------- keeper (the rebalancer contract)

    /// @notice Sells exactly `amountIn` of `sell` for at least `minAmountOut` of `buy`: the vault sends
    /// `amountIn` to the keeper contract, calls its `onTrade` (which swaps and delivers `buy` to the vault),
    /// then moves the accounted holdings by what was really sent and received.
    /// @dev The vault checks what protects its accounting (membership, holdings, what came back, pause); the
    /// economic bounds (oracle slippage, size, direction toward targets, cooldown, deadline, the DEX) are
    /// those of the keeper contract (IndexRebalancer), which only governance appoints.
    function executeTrade(address sell, address buy, uint256 amountIn, uint256 minAmountOut, bytes calldata data)
        external
        returns (uint256 amountOut);

    // ---------------------------------------------------------------- owner (the DAO)


    function addAsset(address token, bytes32 sector, RiskTier tier) external;
    function removeAsset(address token) external;
    function setRiskPolicy(RiskPolicy calldata policy) external;

    /// @notice Executes weight decision `nonce`: target weights for every basket token, valid until `deadline`.
    /// @dev Reverts with the first reason `checkWeights` reports.
    function setTargetWeights(address[] calldata tokens, uint16[] calldata weightsBps, uint64 nonce, uint64 deadline)
        external;

    function setFee(uint16 feeBps, address recipient) external;
    function setKeeper(address keeper) external;
    function setGuardian(address guardian) external;

    /// @notice Sends what the vault holds of `token` beyond its accounted holdings (donations, mistakes) to `to`.
    function skim(address token, address to) external;

    // ---------------------------------------------------------------- guardian

    /// @notice Pauses or resumes minting and rebalancing. Redemption cannot be paused.
    function setPaused(bool mintPaused, bool rebalancePaused) external;

    // ---------------------------------------------------------------- views

    /// @notice Why `weightsBps` for `tokens` would be refused by `setTargetWeights`, as the ABI-encoded
    /// custom error it would revert with; empty when they would be accepted.
    function checkWeights(address[] calldata tokens, uint16[] calldata weightsBps)
        external
        view
        returns (bytes memory reason);

    function basket() external view returns (address[] memory tokens);
    function assets() external view returns (Asset[] memory);
    /// @notice Accounted holdings, basket order: what all shares together have a claim on.
    function holdings() external view returns (uint256[] memory amounts);
    /// @notice The fee dilution factor applied to every token's units per share (1e18 at launch).
    function multiplier() external view returns (uint256);
    function riskPolicy() external view returns (RiskPolicy memory);
    function decisionNonce() external view returns (uint64);
    function decisionDeadline() external view returns (uint64);
    function feeBps() external view returns (uint16);
    function feeRecipient() external view returns (address);
    function lastFeeAccrual() external view returns (uint40);
    /// @notice Fee shares owed to the fee recipient and not yet minted, the fee due by now included. Holdings
    /// per share are holdings / (totalSupply + pendingFeeShares).
    function pendingFeeShares() external view returns (uint256);
    function mintPaused() external view returns (bool);
    function rebalancePaused() external view returns (bool);
    function keeper() external view returns (address);
    function guardian() external view returns (address);
}

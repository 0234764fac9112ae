// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IIndexRebalancer
/// @notice The vault's keeper contract: it lets the keeper bot trade basket tokens through an allowlisted
/// Uniswap V2 router, and only within the bounds governance set. Every trade must move both tokens toward
/// their approved target weights without overshooting the tolerance band, return at least its value at
/// reference prices (Chainlink-interface feeds) minus the allowed slippage, stay under the size cap, and
/// happen after the cooldown and before the approved decision's deadline.
/// Weights and values in errors are 1e18 fixed point (1e18 = 100%, values in feed units, e.g. USD).
interface IIndexRebalancer {
    struct Trade {
        address sell;
        address buy;
        uint256 amountIn;
        uint256 minAmountOut; // the bot's own bound; the oracle bound is checked on top of it
        address[] path; // Uniswap V2 path from `sell` to `buy`
    }

    struct Bounds {
        uint16 toleranceBps; // band around each target weight that counts as balanced
        uint16 maxSlippageBps; // value lost per trade at reference prices, at most
        uint16 maxTradeBps; // value of one trade, at most, as a share of the vault's value
        uint32 cooldown; // seconds between two rebalances
        uint32 maxPriceAge; // seconds after which a feed's answer is stale
    }

    error IndexRebalancer__NotKeeper(address caller);
    error IndexRebalancer__NotVault(address caller);
    error IndexRebalancer__Cooldown(uint256 nextAllowed, uint256 timestamp);
    error IndexRebalancer__DecisionExpired(uint256 deadline, uint256 timestamp);
    error IndexRebalancer__NoPriceFeed(address token);
    error IndexRebalancer__StalePrice(address token, uint256 updatedAt, uint256 maxAge);
    error IndexRebalancer__InvalidPrice(address token, int256 answer);
    error IndexRebalancer__BadPath(address sell, address buy);
    error IndexRebalancer__TradeTooLarge(address token, uint256 value, uint256 maxValue);
    /// @notice Selling `token` (weight `weight`, target `target`) or buying it moves it away from its target.
    error IndexRebalancer__TradeAwayFromTarget(address token, uint256 weight, uint256 target);
    /// @notice After the trade `token` would weigh `weight`, beyond its band around `target`.
    error IndexRebalancer__Overshoots(address token, uint256 weight, uint256 target, uint256 band);
    /// @notice The trade returned `valueOut` for `valueIn` at reference prices; at least `minValueOut` is due.
    error IndexRebalancer__SlippageTooHigh(uint256 valueIn, uint256 valueOut, uint256 minValueOut);
    error IndexRebalancer__InvalidBounds();

    event Rebalanced(
        address indexed sell, address indexed buy, uint256 amountIn, uint256 amountOut, uint256 valueIn, uint256 valueOut
    );
    event BoundsSet(Bounds bounds);
    event FeedSet(address indexed token, address indexed feed);
    event KeeperSet(address indexed keeper);
    event RouterSet(address indexed router);

    /// @notice Executes `trades` in order, each checked against every bound. Only the keeper bot.
    function rebalance(Trade[] calldata trades) external returns (uint256[] memory amountsOut);

    function setBounds(Bounds calldata bounds) external;
    function setFeed(address token, address feed) external;
    function setKeeper(address keeper) external;
    function setRouter(address router) external;

    /// @notice The vault's value and each basket token's value, at reference prices (1e18 fixed point).
    function valuation() external view returns (uint256 nav, uint256[] memory values);
}

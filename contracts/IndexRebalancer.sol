// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {AggregatorV3Interface} from "./interfaces/AggregatorV3Interface.sol";
import {IIndexRebalancer} from "./interfaces/IIndexRebalancer.sol";
import {IIndexVault} from "./interfaces/IIndexVault.sol";
import {ITradeCallback} from "./interfaces/ITradeCallback.sol";
import {IUniswapV2Router02} from "./interfaces/IUniswapV2Router02.sol";

/// @title IndexRebalancer
/// @notice Bounded rebalancing for one IndexVault: the vault's keeper contract, owned by the DAO's timelock.
contract IndexRebalancer is IIndexRebalancer, ITradeCallback, Ownable {
    using SafeERC20 for IERC20;

    uint256 private constant WAD = 1e18;
    uint256 private constant BPS = 10_000;

    IIndexVault public immutable vault;
    address public keeper;
    address public router;
    Bounds public bounds;
    uint256 public lastRebalance;
    mapping(address token => AggregatorV3Interface) public feeds;

    constructor(IIndexVault vault_, address owner_, address keeper_, address router_, Bounds memory bounds_)
        Ownable(owner_)
    {
        vault = vault_;
        keeper = keeper_;
        router = router_;
        _setBounds(bounds_);
    }

    /// @inheritdoc IIndexRebalancer
    function rebalance(Trade[] calldata trades) external returns (uint256[] memory amountsOut) {
        if (msg.sender != keeper) revert IndexRebalancer__NotKeeper(msg.sender);
        uint256 deadline = vault.decisionDeadline();
        if (block.timestamp > deadline) revert IndexRebalancer__DecisionExpired(deadline, block.timestamp);
        uint256 next = lastRebalance + bounds.cooldown;
        if (lastRebalance != 0 && block.timestamp < next) revert IndexRebalancer__Cooldown(next, block.timestamp);
        lastRebalance = block.timestamp;
        amountsOut = new uint256[](trades.length);
        for (uint256 i; i < trades.length; ++i) {
            amountsOut[i] = _execute(trades[i]);
        }
    }

    /// @inheritdoc ITradeCallback
    /// @dev Called by the vault inside `executeTrade`, after it sent `amountIn` of `sell` here.
    function onTrade(address sell, address, uint256 amountIn, uint256 minAmountOut, bytes calldata data) external {
        if (msg.sender != address(vault)) revert IndexRebalancer__NotVault(msg.sender);
        address[] memory path = abi.decode(data, (address[]));
        IERC20(sell).forceApprove(router, amountIn);
        IUniswapV2Router02(router).swapExactTokensForTokens(amountIn, minAmountOut, path, address(vault), block.timestamp);
        IERC20(sell).forceApprove(router, 0);
    }

    function _execute(Trade calldata t) private returns (uint256 amountOut) {
        if (t.path.length < 2 || t.path[0] != t.sell || t.path[t.path.length - 1] != t.buy) {
            revert IndexRebalancer__BadPath(t.sell, t.buy);
        }
        IIndexVault.Asset[] memory assets = vault.assets();
        (uint256 nav, uint256[] memory values, uint256[] memory prices) = _value(assets);
        (uint256 s, uint256 b) = (_find(assets, t.sell), _find(assets, t.buy));

        uint256 valueIn = _valueOf(t.amountIn, prices[s], t.sell);
        uint256 maxValue = nav * bounds.maxTradeBps / BPS;
        if (valueIn > maxValue) revert IndexRebalancer__TradeTooLarge(t.sell, valueIn, maxValue);
        // Direction: only a token above its target may be sold, only one below it bought.
        _requireAway(t.sell, values[s], nav, assets[s].targetWeightBps, true);
        _requireAway(t.buy, values[b], nav, assets[b].targetWeightBps, false);

        amountOut = vault.executeTrade(t.sell, t.buy, t.amountIn, t.minAmountOut, abi.encode(t.path));

        uint256 valueOut = _valueOf(amountOut, prices[b], t.buy);
        uint256 minValueOut = valueIn * (BPS - bounds.maxSlippageBps) / BPS;
        if (valueOut < minValueOut) revert IndexRebalancer__SlippageTooHigh(valueIn, valueOut, minValueOut);
        // No overshoot: both tokens end inside (or still on their side of) their bands.
        nav = nav - valueIn + valueOut;
        _requireWithinBand(t.sell, values[s] - valueIn, nav, assets[s].targetWeightBps, true);
        _requireWithinBand(t.buy, values[b] + valueOut, nav, assets[b].targetWeightBps, false);
        emit Rebalanced(t.sell, t.buy, t.amountIn, amountOut, valueIn, valueOut);
    }

    function _requireAway(address token, uint256 value, uint256 nav, uint256 targetBps, bool selling) private pure {
        uint256 weight = Math.mulDiv(value, WAD, nav);
        uint256 target = targetBps * WAD / BPS;
        if (selling ? weight <= target : weight >= target) {
            revert IndexRebalancer__TradeAwayFromTarget(token, weight, target);
        }
    }

    function _requireWithinBand(address token, uint256 value, uint256 nav, uint256 targetBps, bool sold)
        private
        view
    {
        uint256 weight = Math.mulDiv(value, WAD, nav);
        uint256 target = targetBps * WAD / BPS;
        uint256 band = bounds.toleranceBps * WAD / BPS;
        bool overshot = sold ? weight + band < target : weight > target + band;
        if (overshot) revert IndexRebalancer__Overshoots(token, weight, target, band);
    }

    /// @inheritdoc IIndexRebalancer
    function valuation() external view returns (uint256 nav, uint256[] memory values) {
        (nav, values,) = _value(vault.assets());
    }

    function _value(IIndexVault.Asset[] memory assets)
        private
        view
        returns (uint256 nav, uint256[] memory values, uint256[] memory prices)
    {
        values = new uint256[](assets.length);
        prices = new uint256[](assets.length);
        for (uint256 i; i < assets.length; ++i) {
            prices[i] = _price(assets[i].token);
            values[i] = _valueOf(assets[i].holdings, prices[i], assets[i].token);
            nav += values[i];
        }
    }

    /// @dev A feed's answer scaled to 1e18, refusing missing, non-positive and stale answers.
    function _price(address token) private view returns (uint256) {
        AggregatorV3Interface feed = feeds[token];
        if (address(feed) == address(0)) revert IndexRebalancer__NoPriceFeed(token);
        (, int256 answer,, uint256 updatedAt,) = feed.latestRoundData();
        if (answer <= 0) revert IndexRebalancer__InvalidPrice(token, answer);
        if (updatedAt + bounds.maxPriceAge < block.timestamp) {
            revert IndexRebalancer__StalePrice(token, updatedAt, bounds.maxPriceAge);
        }
        return Math.mulDiv(uint256(answer), WAD, 10 ** feed.decimals());
    }

    function _valueOf(uint256 amount, uint256 price, address token) private view returns (uint256) {
        return Math.mulDiv(amount, price, 10 ** IERC20Metadata(token).decimals());
    }

    function _find(IIndexVault.Asset[] memory assets, address token) private pure returns (uint256) {
        for (uint256 i; i < assets.length; ++i) {
            if (assets[i].token == token) return i;
        }
        revert IIndexVault.IndexVault__UnknownToken(token);
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc IIndexRebalancer
    function setBounds(Bounds calldata bounds_) external onlyOwner {
        _setBounds(bounds_);
    }

    /// @inheritdoc IIndexRebalancer
    function setFeed(address token, address feed) external onlyOwner {
        feeds[token] = AggregatorV3Interface(feed);
        emit FeedSet(token, feed);
    }

    /// @inheritdoc IIndexRebalancer
    function setKeeper(address keeper_) external onlyOwner {
        keeper = keeper_;
        emit KeeperSet(keeper_);
    }

    /// @inheritdoc IIndexRebalancer
    function setRouter(address router_) external onlyOwner {
        router = router_;
        emit RouterSet(router_);
    }

    function _setBounds(Bounds memory b) private {
        if (b.maxSlippageBps > 1_000 || b.maxTradeBps == 0 || b.maxTradeBps > BPS || b.toleranceBps > 5_000) {
            revert IndexRebalancer__InvalidBounds();
        }
        bounds = b;
        emit BoundsSet(b);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IIndexVault} from "./interfaces/IIndexVault.sol";
import {ITradeCallback} from "./interfaces/ITradeCallback.sol";
import {BasketStore} from "./libraries/BasketStore.sol";
import {ProRata} from "./libraries/ProRata.sol";
import {WeightPolicy} from "./libraries/WeightPolicy.sol";

/// @title IndexVault
/// @notice An index held in kind: shares are minted and redeemed against every basket token pro rata to the
/// vault's accounted holdings, never against a price. Shares carry votes (timestamp clock) for the DAO.
/// @dev Two choices keep a mint or redeem within a quarter of the bare transfers' gas (bench/bench_gas.py):
/// the management fee accrues into pending shares that the recipient claims, rather than a mint to the
/// recipient in every block; and the vault keeps the supply at the start of the current block, rather than a
/// total-supply checkpoint per block, which is all the governor's quorum needs (see `getPastTotalSupply`).
contract IndexVault is IIndexVault, ERC20, ERC20Permit, ERC20Votes, Ownable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Hard cap of the management fee, basis points a year.
    uint16 public constant MAX_FEE_BPS = 500;
    /// @notice Shares locked forever by the seed, so the supply never returns to zero.
    uint256 public constant MINIMUM_SHARES = 1_000;
    /// @notice Most tokens a basket may hold (bounds the gas of every mint and redeem).
    uint256 public constant MAX_ASSETS = 128;
    /// @dev Units are raw token amounts per whole share (1e18), scaled by 1e18 for precision with
    /// low-decimal tokens; the multiplier (1e18 = one) applies on top: amount = shares * multiplier * unit / 1e54.
    uint256 private constant UNIT_SCALE = 1e36;
    uint256 private constant MULTIPLIER_ONE = 1e18;
    uint256 private constant AMOUNT_SCALE = UNIT_SCALE * MULTIPLIER_ONE;
    address private constant DEAD = 0x000000000000000000000000000000000000dEaD;

    /// @dev One slot, read by every mint and redeem. The units live in a data contract's code with the token
    /// list (see BasketStore), so mint and redeem read the basket in one call and write no per-token storage.
    /// The first supply change in a block writes the supply as the block found it: `getPastTotalSupply`
    /// answers `clock() - 1` from it, the governor's quorum base. Declared first: a smaller field would pack
    /// into the slot of Ownable's owner, one more cold slot for every mint and redeem.
    address private _basketPointer;
    uint96 private _supplyBeforeBlock;

    /// @dev One slot, read by every mint and redeem and written by the first of them in a block. Holdings are
    /// kept as units per share, Set Protocol style: token i's accounted holdings are
    /// `unit_i * multiplier * (totalSupply + pendingFeeShares) / 1e54`. The fee dilutes every unit at once
    /// through the multiplier (at most 1e18, so 64 bits hold it) and adds the shares it is owed to the pending.
    uint40 private _lastFeeAccrual;
    uint64 private _multiplier;
    uint112 private _pendingFeeShares;
    uint16 private _feeBps;
    bool private _mintPaused;
    bool private _rebalancePaused;

    address private _feeRecipient;

    // Read only by governance, policy checks and views.
    mapping(address token => uint256) private _indexPlusOne;
    bytes32[] private _sectors;
    RiskTier[] private _tiers;
    uint16[] private _targetWeightsBps;
    RiskPolicy private _policy;
    uint64 private _decisionNonce;
    uint64 private _decisionDeadline;
    address private _keeper;
    address private _guardian;

    /// @param owner_ the account that governs the vault (hand it to the DAO's timelock once set up)
    /// @param tokens, sectors, tiers the initial basket and each token's sector and risk tier
    constructor(
        string memory name_,
        string memory symbol_,
        address owner_,
        address[] memory tokens,
        bytes32[] memory sectors,
        RiskTier[] memory tiers,
        RiskPolicy memory policy
    ) ERC20(name_, symbol_) ERC20Permit(name_) Ownable(owner_) {
        if (sectors.length != tokens.length) revert IndexVault__LengthMismatch(tokens.length, sectors.length);
        if (tiers.length != tokens.length) revert IndexVault__LengthMismatch(tokens.length, tiers.length);
        for (uint256 i; i < tokens.length; ++i) {
            _addAsset(tokens[i], sectors[i], tiers[i]);
        }
        _basketPointer = BasketStore.write(tokens, new uint256[](tokens.length));
        _multiplier = uint64(MULTIPLIER_ONE);
        _setRiskPolicy(policy);
        _lastFeeAccrual = uint40(block.timestamp);
    }

    modifier onlyGuardianOrOwner() {
        if (msg.sender != _guardian && msg.sender != owner()) revert IndexVault__NotGuardian(msg.sender);
        _;
    }

    // ================================================================ holders

    /// @inheritdoc IIndexVault
    function seed(uint256[] calldata amounts, uint256 shares, address receiver) external nonReentrant {
        if (_mintPaused) revert IndexVault__MintPaused();
        if (receiver == address(0)) revert IndexVault__ZeroAddress();
        uint256 supply = totalSupply();
        if (supply != 0) revert IndexVault__AlreadySeeded(supply);
        if (shares <= MINIMUM_SHARES) revert IndexVault__SeedTooSmall(shares, MINIMUM_SHARES);
        (address[] memory tokens,) = BasketStore.read(_basketPointer);
        if (amounts.length != tokens.length) revert IndexVault__LengthMismatch(tokens.length, amounts.length);

        uint256[] memory units = new uint256[](tokens.length);
        for (uint256 i; i < tokens.length; ++i) {
            // Rounded down: the accounted holdings never exceed what the seeder brings.
            units[i] = Math.mulDiv(amounts[i], UNIT_SCALE, shares);
            // A token left at zero could never be minted into again: the seed sets the basket's composition.
            if (units[i] == 0) revert IndexVault__SeedAmountZero(tokens[i]);
        }
        _basketPointer = BasketStore.write(tokens, units);
        _multiplier = uint64(MULTIPLIER_ONE);
        _lastFeeAccrual = uint40(block.timestamp); // no fee is due for the time the vault was empty
        _mint(DEAD, MINIMUM_SHARES);
        _mint(receiver, shares - MINIMUM_SHARES);
        for (uint256 i; i < tokens.length; ++i) {
            _pullExact(tokens[i], amounts[i]);
        }
        emit Seeded(msg.sender, receiver, shares, MINIMUM_SHARES, amounts);
    }

    /// @inheritdoc IIndexVault
    function mint(uint256 shares, uint256[] calldata maxAmounts, address receiver)
        external
        nonReentrant
        returns (uint256[] memory amounts)
    {
        if (shares == 0) revert IndexVault__ZeroShares();
        if (receiver == address(0)) revert IndexVault__ZeroAddress();
        (uint256 supply, uint256 multiplier_) = _accrueFee(true);
        if (supply == 0) revert IndexVault__NotSeeded();
        (address[] memory tokens, uint256[] memory units) = BasketStore.read(_basketPointer);
        uint256 n = tokens.length;
        if (maxAmounts.length != n) revert IndexVault__LengthMismatch(n, maxAmounts.length);

        // Shares first (the supply cap bounds `shares`), then the pulls: a token's hook that calls back into
        // a view sees the final supply, and any short pull reverts the whole mint. Holdings follow from the
        // supply: nothing else to write.
        _mint(receiver, shares);
        uint256 scaledShares = shares * multiplier_;
        amounts = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            uint256 amount = ProRata.mintAmount(units[i], scaledShares, AMOUNT_SCALE);
            if (amount > maxAmounts[i]) revert IndexVault__AmountAboveMax(tokens[i], amount, maxAmounts[i]);
            amounts[i] = amount;
        }
        for (uint256 i; i < n; ++i) {
            if (amounts[i] != 0) _pullExact(tokens[i], amounts[i]);
        }
        emit Minted(msg.sender, receiver, shares, amounts);
    }

    /// @inheritdoc IIndexVault
    /// @dev Deliberately not gated by any pause flag: exit is never blocked.
    function redeem(uint256 shares, uint256[] calldata minAmounts, address receiver)
        external
        nonReentrant
        returns (uint256[] memory amounts)
    {
        if (shares == 0) revert IndexVault__ZeroShares();
        if (receiver == address(0)) revert IndexVault__ZeroAddress();
        (, uint256 multiplier_) = _accrueFee(false);
        (address[] memory tokens, uint256[] memory units) = BasketStore.read(_basketPointer);
        uint256 n = tokens.length;
        if (minAmounts.length != n) revert IndexVault__LengthMismatch(n, minAmounts.length);

        _burn(msg.sender, shares);
        uint256 scaledShares = shares * multiplier_;
        amounts = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            uint256 amount = ProRata.redeemAmount(units[i], scaledShares, AMOUNT_SCALE);
            if (amount < minAmounts[i]) revert IndexVault__AmountBelowMin(tokens[i], amount, minAmounts[i]);
            amounts[i] = amount;
        }
        for (uint256 i; i < n; ++i) {
            if (amounts[i] != 0) IERC20(tokens[i]).safeTransfer(receiver, amounts[i]);
        }
        emit Redeemed(msg.sender, receiver, shares, amounts);
    }

    /// @inheritdoc IIndexVault
    function previewMint(uint256 shares) external view returns (uint256[] memory) {
        if (totalSupply() == 0) revert IndexVault__NotSeeded();
        return _preview(shares, Math.Rounding.Ceil);
    }

    /// @inheritdoc IIndexVault
    function previewRedeem(uint256 shares) external view returns (uint256[] memory) {
        return _preview(shares, Math.Rounding.Floor);
    }

    /// @inheritdoc IIndexVault
    function accrueFee() external nonReentrant {
        _accrueFee(false);
    }

    /// @inheritdoc IIndexVault
    function claimFees() external nonReentrant returns (uint256 shares) {
        _accrueFee(false);
        return _claimFees();
    }

    // ================================================================ keeper

    /// @inheritdoc IIndexVault
    function executeTrade(address sell, address buy, uint256 amountIn, uint256 minAmountOut, bytes calldata data)
        external
        nonReentrant
        returns (uint256 amountOut)
    {
        if (msg.sender != _keeper) revert IndexVault__NotKeeper(msg.sender);
        if (_rebalancePaused) revert IndexVault__RebalancePaused();
        if (sell == buy) revert IndexVault__SameToken(sell);
        // Units are recomputed against the current supply and multiplier.
        (uint256 supply, uint256 multiplier_) = _accrueFee(false);
        (address[] memory tokens, uint256[] memory units) = BasketStore.read(_basketPointer);
        uint256 s = _indexOf(sell);
        uint256 b = _indexOf(buy);
        uint256 heldSell = _holding(units[s], multiplier_, supply);
        if (amountIn > heldSell) revert IndexVault__TradeExceedsHoldings(sell, amountIn, heldSell);

        amountOut = _tradeThroughKeeper(sell, buy, amountIn, minAmountOut, data);

        // Units from the new holdings, rounded down: accounted holdings never exceed balances.
        units[b] = _unitFor(_holding(units[b], multiplier_, supply) + amountOut, multiplier_, supply);
        units[s] = _unitFor(heldSell - amountIn, multiplier_, supply);
        _basketPointer = BasketStore.write(tokens, units);
        emit TradeExecuted(sell, buy, amountIn, amountOut);
    }

    // ================================================================ owner

    /// @inheritdoc IIndexVault
    function addAsset(address token, bytes32 sector, RiskTier tier) external onlyOwner {
        _addAsset(token, sector, tier);
        (address[] memory oldTokens, uint256[] memory oldUnits) = BasketStore.read(_basketPointer);
        uint256 n = oldTokens.length;
        address[] memory tokens = new address[](n + 1);
        uint256[] memory units = new uint256[](n + 1);
        for (uint256 i; i < n; ++i) {
            tokens[i] = oldTokens[i];
            units[i] = oldUnits[i];
        }
        tokens[n] = token; // joins with no holdings; the keeper buys it in once a decision targets it
        _basketPointer = BasketStore.write(tokens, units);
    }

    /// @inheritdoc IIndexVault
    function removeAsset(address token) external onlyOwner {
        uint256 index = _indexOf(token);
        (address[] memory tokens, uint256[] memory units) = BasketStore.read(_basketPointer);
        uint256 held = _holding(units[index], _multiplier, _effectiveSupply());
        uint16 weight = _targetWeightsBps[index];
        if (held != 0 || weight != 0) revert IndexVault__AssetStillHeld(token, held, weight);

        uint256 last = tokens.length - 1;
        if (index != last) {
            // Swap the last asset into the freed index; the order of the basket is not meaningful.
            address moved = tokens[last];
            tokens[index] = moved;
            units[index] = units[last];
            _indexPlusOne[moved] = index + 1;
            _sectors[index] = _sectors[last];
            _tiers[index] = _tiers[last];
            _targetWeightsBps[index] = _targetWeightsBps[last];
        }
        delete _indexPlusOne[token];
        _sectors.pop();
        _tiers.pop();
        _targetWeightsBps.pop();
        assembly ("memory-safe") {
            // Drop the last entry of both in-memory lists.
            mstore(tokens, last)
            mstore(units, last)
        }
        _basketPointer = BasketStore.write(tokens, units);
        emit AssetRemoved(token);
    }

    /// @inheritdoc IIndexVault
    function setRiskPolicy(RiskPolicy calldata policy) external onlyOwner {
        _setRiskPolicy(policy);
    }

    /// @inheritdoc IIndexVault
    function setTargetWeights(address[] calldata tokens, uint16[] calldata weightsBps, uint64 nonce, uint64 deadline)
        external
        onlyOwner
    {
        if (nonce <= _decisionNonce) revert IndexVault__StaleDecision(nonce, _decisionNonce);
        if (deadline < block.timestamp) revert IndexVault__DecisionExpired(deadline, block.timestamp);
        (uint16[] memory byIndex, bytes memory reason) = _weightsByIndex(tokens, weightsBps);
        if (reason.length != 0) _revertWith(reason);
        _targetWeightsBps = byIndex;
        _decisionNonce = nonce;
        _decisionDeadline = deadline;
        emit TargetWeightsSet(nonce, deadline, _basket(), byIndex);
    }

    /// @inheritdoc IIndexVault
    function setFee(uint16 newFeeBps, address recipient) external onlyOwner {
        if (newFeeBps > MAX_FEE_BPS) revert IndexVault__FeeAboveCap(newFeeBps, MAX_FEE_BPS);
        if (recipient == address(0) && newFeeBps != 0) revert IndexVault__ZeroAddress();
        _accrueFee(false); // the time so far is charged at the old rate, for the old recipient
        _claimFees();
        _feeBps = newFeeBps;
        _feeRecipient = recipient;
        emit FeeSet(newFeeBps, recipient);
    }

    /// @inheritdoc IIndexVault
    function setKeeper(address newKeeper) external onlyOwner {
        _keeper = newKeeper;
        emit KeeperSet(newKeeper);
    }

    /// @inheritdoc IIndexVault
    function setGuardian(address newGuardian) external onlyOwner {
        _guardian = newGuardian;
        emit GuardianSet(newGuardian);
    }

    /// @inheritdoc IIndexVault
    function skim(address token, address to) external onlyOwner nonReentrant {
        if (to == address(0)) revert IndexVault__ZeroAddress();
        uint256 balance = IERC20(token).balanceOf(address(this));
        uint256 index = _indexPlusOne[token];
        uint256 accounted;
        if (index != 0) {
            (, uint256[] memory units) = BasketStore.read(_basketPointer);
            accounted = _holding(units[index - 1], _multiplier, _effectiveSupply());
        }
        if (balance <= accounted) revert IndexVault__NothingToSkim(token);
        IERC20(token).safeTransfer(to, balance - accounted);
        emit Skimmed(token, to, balance - accounted);
    }

    // ================================================================ guardian

    /// @inheritdoc IIndexVault
    function setPaused(bool mintPaused_, bool rebalancePaused_) external onlyGuardianOrOwner {
        _mintPaused = mintPaused_;
        _rebalancePaused = rebalancePaused_;
        emit PauseSet(mintPaused_, rebalancePaused_, msg.sender);
    }

    // ================================================================ views

    /// @inheritdoc IIndexVault
    function checkWeights(address[] calldata tokens, uint16[] calldata weightsBps)
        external
        view
        returns (bytes memory reason)
    {
        (, reason) = _weightsByIndex(tokens, weightsBps);
    }

    /// @inheritdoc IIndexVault
    function basket() external view returns (address[] memory) {
        return _basket();
    }

    /// @inheritdoc IIndexVault
    function assets() external view returns (Asset[] memory list) {
        (address[] memory tokens, uint256[] memory units) = BasketStore.read(_basketPointer);
        (uint256 multiplier_, uint256 supply) = (_multiplier, _effectiveSupply());
        list = new Asset[](tokens.length);
        for (uint256 i; i < tokens.length; ++i) {
            list[i] = Asset(tokens[i], _sectors[i], _tiers[i], _holding(units[i], multiplier_, supply), _targetWeightsBps[i]);
        }
    }

    /// @inheritdoc IIndexVault
    function holdings() external view returns (uint256[] memory amounts) {
        (, uint256[] memory units) = BasketStore.read(_basketPointer);
        (uint256 multiplier_, uint256 supply) = (_multiplier, _effectiveSupply());
        amounts = new uint256[](units.length);
        for (uint256 i; i < units.length; ++i) {
            amounts[i] = _holding(units[i], multiplier_, supply);
        }
    }

    /// @inheritdoc IIndexVault
    function multiplier() external view returns (uint256) {
        return _multiplier;
    }

    function riskPolicy() external view returns (RiskPolicy memory) {
        return _policy;
    }

    function decisionNonce() external view returns (uint64) {
        return _decisionNonce;
    }

    function decisionDeadline() external view returns (uint64) {
        return _decisionDeadline;
    }

    function feeBps() external view returns (uint16) {
        return _feeBps;
    }

    function feeRecipient() external view returns (address) {
        return _feeRecipient;
    }

    function lastFeeAccrual() external view returns (uint40) {
        return _lastFeeAccrual;
    }

    /// @inheritdoc IIndexVault
    function pendingFeeShares() external view returns (uint256) {
        (, uint256 due) = _feeDue(_effectiveSupply());
        return _pendingFeeShares + due;
    }

    function mintPaused() external view returns (bool) {
        return _mintPaused;
    }

    function rebalancePaused() external view returns (bool) {
        return _rebalancePaused;
    }

    function keeper() external view returns (address) {
        return _keeper;
    }

    function guardian() external view returns (address) {
        return _guardian;
    }

    /// @notice Votes are counted by timestamp, so delays read the same on chains with different block times.
    function clock() public view override returns (uint48) {
        return uint48(block.timestamp);
    }

    /// @notice ERC-6372 description of `clock`.
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public view override returns (string memory) {
        return "mode=timestamp";
    }

    /// @dev Minting and burning move votes from or to the zero address, which never delegates: answering
    /// without a storage read saves a cold SLOAD on every mint and redeem.
    function delegates(address account) public view override returns (address) {
        return account == address(0) ? address(0) : super.delegates(account);
    }

    /// @notice The share supply at the end of `timepoint`, kept only as far back as the block before the last
    /// supply change: enough for `getPastTotalSupply(clock() - 1)`, which is what IndexGovernor reads when a
    /// proposal is made. Older timepoints revert with IndexVault__SupplyHistoryNotKept.
    /// @dev A full history would push a checkpoint in every block that mints or redeems (~27,000 gas each).
    function getPastTotalSupply(uint256 timepoint) public view override returns (uint256) {
        uint256 t = _validateTimepoint(timepoint);
        uint256 last = _lastFeeAccrual;
        if (t >= last) return totalSupply();
        if (t + 1 == last) return _supplyBeforeBlock;
        revert IndexVault__SupplyHistoryNotKept(timepoint, last - 1);
    }

    function nonces(address account) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(account);
    }

    // ================================================================ internal

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }

    /// @dev Votes move with the shares as in ERC20Votes, but no total-supply checkpoint is pushed: the one
    /// supply the governor needs is kept in `_supplyBeforeBlock` (see `getPastTotalSupply`).
    function _transferVotingUnits(address from, address to, uint256 amount) internal override {
        _moveDelegateVotes(delegates(from), delegates(to), amount);
    }

    /// @dev The share supply fits in the 96 bits of `_supplyBeforeBlock`: 79 billion whole shares.
    function _maxSupply() internal pure override returns (uint256) {
        return type(uint96).max;
    }

    /// @dev Accrues the fee due since the last accrual into the pending fee shares and returns the supply
    /// with them and the multiplier. The fee dilutes every unit through the multiplier, so the accounted
    /// holdings stay what they were. The first call in a block also keeps the supply as the block found it.
    /// @param forMint whether the caller mints, so the mint pause applies (read from the same slot)
    function _accrueFee(bool forMint) private returns (uint256 supply, uint256 multiplier_) {
        if (forMint && _mintPaused) revert IndexVault__MintPaused();
        uint256 minted = totalSupply();
        uint256 pending = _pendingFeeShares;
        supply = minted + pending;
        if (_lastFeeAccrual == block.timestamp) return (supply, _multiplier);
        _supplyBeforeBlock = uint96(minted);
        uint256 shares;
        (multiplier_, shares) = _feeDue(supply);
        _lastFeeAccrual = uint40(block.timestamp);
        if (shares == 0) return (supply, multiplier_);
        _multiplier = uint64(multiplier_);
        _pendingFeeShares = SafeCast.toUint112(pending + shares);
        emit FeeAccrued(shares);
        supply += shares;
    }

    /// @dev The fee shares due on `supply` since the last accrual and the multiplier once they accrue.
    /// Rounded down: units shrink at least as much as the supply grows, so holdings never exceed balances.
    function _feeDue(uint256 supply) private view returns (uint256 multiplier_, uint256 shares) {
        multiplier_ = _multiplier;
        uint256 fee = _feeBps;
        if (fee == 0 || supply == 0) return (multiplier_, 0);
        shares = ProRata.feeShares(supply, fee, block.timestamp - _lastFeeAccrual);
        if (shares != 0) multiplier_ = Math.mulDiv(multiplier_, supply, supply + shares);
    }

    /// @dev Mints the pending fee shares to the fee recipient.
    function _claimFees() private returns (uint256 shares) {
        shares = _pendingFeeShares;
        if (shares == 0) return 0;
        _pendingFeeShares = 0;
        address recipient = _feeRecipient;
        _mint(recipient, shares);
        emit FeesClaimed(recipient, shares);
    }

    /// @dev The share supply that the holdings are accounted against: minted shares and pending fee shares.
    function _effectiveSupply() private view returns (uint256) {
        return totalSupply() + _pendingFeeShares;
    }

    /// @dev Pro-rata amounts for `shares` once the pending fee accrues: up for mints, down for redeems.
    function _preview(uint256 shares, Math.Rounding rounding) private view returns (uint256[] memory amounts) {
        (, uint256[] memory units) = BasketStore.read(_basketPointer);
        (uint256 multiplier_,) = _feeDue(_effectiveSupply());
        amounts = new uint256[](units.length);
        for (uint256 i; i < units.length; ++i) {
            amounts[i] = Math.mulDiv(units[i], shares * multiplier_, AMOUNT_SCALE, rounding);
        }
    }

    /// @dev The unit that accounts `held` of a token at this supply and multiplier (rounded down).
    function _unitFor(uint256 held, uint256 multiplier_, uint256 supply) private pure returns (uint256) {
        return Math.mulDiv(held, AMOUNT_SCALE, multiplier_ * supply);
    }

    /// @dev Accounted holdings of a token: rounded down, so they never exceed what redeeming all pays.
    function _holding(uint256 unit, uint256 multiplier_, uint256 supply) private pure returns (uint256) {
        return Math.mulDiv(unit, multiplier_ * supply, AMOUNT_SCALE);
    }

    /// @dev Hands the sold amount to the keeper contract, lets it swap, then counts what really came back.
    function _tradeThroughKeeper(address sell, address buy, uint256 amountIn, uint256 minAmountOut,
        bytes calldata data) private returns (uint256 amountOut)
    {
        uint256 buyBefore = IERC20(buy).balanceOf(address(this));
        IERC20(sell).safeTransfer(msg.sender, amountIn);
        ITradeCallback(msg.sender).onTrade(sell, buy, amountIn, minAmountOut, data);
        amountOut = IERC20(buy).balanceOf(address(this)) - buyBefore;
        if (amountOut < minAmountOut) revert IndexVault__AmountBelowMin(buy, amountOut, minAmountOut);
    }

    /// @dev Pulls exactly `amount` of `token` from the caller; a token that delivers anything else is refused.
    function _pullExact(address token, uint256 amount) private {
        uint256 before = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = IERC20(token).balanceOf(address(this)) - before;
        if (received != amount) revert IndexVault__FeeOnTransfer(token, amount, received);
    }

    function _addAsset(address token, bytes32 sector, RiskTier tier) private {
        if (token == address(0) || token == address(this)) revert IndexVault__UnknownToken(token);
        if (_indexPlusOne[token] != 0) revert IndexVault__DuplicateToken(token);
        if (_sectors.length == MAX_ASSETS) revert IndexVault__BasketFull(MAX_ASSETS);
        _sectors.push(sector);
        _tiers.push(tier);
        _targetWeightsBps.push(0);
        _indexPlusOne[token] = _sectors.length;
        emit AssetAdded(token, sector, tier);
    }

    function _setRiskPolicy(RiskPolicy memory policy) private {
        bytes memory reason = WeightPolicy.validatePolicy(policy);
        if (reason.length != 0) _revertWith(reason);
        _policy = policy;
        emit RiskPolicySet(policy);
    }

    /// @dev Maps a (token, weight) list onto basket order, then applies the risk policy.
    function _weightsByIndex(address[] calldata tokens, uint16[] calldata weightsBps)
        private
        view
        returns (uint16[] memory byIndex, bytes memory reason)
    {
        address[] memory basketTokens = _basket();
        uint256 n = basketTokens.length;
        if (tokens.length != n || weightsBps.length != n) {
            return (byIndex, abi.encodeWithSelector(
                IndexVault__WeightsLengthMismatch.selector, n, tokens.length, weightsBps.length
            ));
        }
        byIndex = new uint16[](n);
        bool[] memory seen = new bool[](n);
        for (uint256 i; i < n; ++i) {
            uint256 indexPlusOne = _indexPlusOne[tokens[i]];
            if (indexPlusOne == 0) {
                return (byIndex, abi.encodeWithSelector(IndexVault__UnknownToken.selector, tokens[i]));
            }
            if (seen[indexPlusOne - 1]) {
                return (byIndex, abi.encodeWithSelector(IndexVault__DuplicateToken.selector, tokens[i]));
            }
            seen[indexPlusOne - 1] = true;
            byIndex[indexPlusOne - 1] = weightsBps[i];
        }
        reason = WeightPolicy.check(basketTokens, _sectors, _tiers, byIndex, _policy);
    }

    function _basket() private view returns (address[] memory tokens) {
        (tokens,) = BasketStore.read(_basketPointer);
    }

    function _indexOf(address token) private view returns (uint256) {
        uint256 indexPlusOne = _indexPlusOne[token];
        if (indexPlusOne == 0) revert IndexVault__UnknownToken(token);
        return indexPlusOne - 1;
    }

    function _revertWith(bytes memory reason) private pure {
        assembly ("memory-safe") {
            revert(add(reason, 0x20), mload(reason))
        }
    }
}

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

import {IIndexVault} from "./interfaces/IIndexVault.sol";
import {AddressListStore} from "./libraries/AddressListStore.sol";
import {ProRata} from "./libraries/ProRata.sol";
import {WeightPolicy} from "./libraries/WeightPolicy.sol";

/// @title IndexVault
/// @notice An index held in kind: shares are minted and redeemed against every basket token pro rata to the
/// vault's accounted holdings, never against a price. Shares carry votes (timestamp clock) for the DAO.
contract IndexVault is IIndexVault, ERC20, ERC20Permit, ERC20Votes, Ownable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Hard cap of the management fee, basis points a year.
    uint16 public constant MAX_FEE_BPS = 500;
    /// @notice Shares locked forever by the seed, so the supply never returns to zero.
    uint256 public constant MINIMUM_SHARES = 1_000;
    /// @notice Most tokens a basket may hold (bounds the gas of every mint and redeem).
    uint256 public constant MAX_ASSETS = 128;
    address private constant DEAD = 0x000000000000000000000000000000000000dEaD;

    // One slot, read by every mint and redeem.
    address private _feeRecipient;
    uint16 private _feeBps;
    uint40 private _lastFeeAccrual;
    bool private _mintPaused;
    bool private _rebalancePaused;

    /// @dev The basket's token list lives in a data contract's code (see AddressListStore).
    address private _basketPointer;
    /// @dev Accounted holdings by basket index. A mapping, not an array: no length slot to read.
    mapping(uint256 index => uint256) private _held;

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
        _basketPointer = AddressListStore.write(tokens);
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
        address[] memory tokens = AddressListStore.read(_basketPointer);
        if (amounts.length != tokens.length) revert IndexVault__LengthMismatch(tokens.length, amounts.length);

        for (uint256 i; i < tokens.length; ++i) {
            // A token left at zero could never be minted into again: the seed sets the basket's composition.
            if (amounts[i] == 0) revert IndexVault__SeedAmountZero(tokens[i]);
            _held[i] = amounts[i];
        }
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
        uint256 supply = _accrueFee(true);
        if (supply == 0) revert IndexVault__NotSeeded();
        address[] memory tokens = AddressListStore.read(_basketPointer);
        uint256 n = tokens.length;
        if (maxAmounts.length != n) revert IndexVault__LengthMismatch(n, maxAmounts.length);

        // Effects first (holdings, shares), then the pulls: a token's hook that calls back into a view sees
        // the final state, and any short pull reverts the whole mint.
        amounts = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            uint256 held = _held[i];
            uint256 amount = ProRata.mintAmount(shares, held, supply);
            if (amount > maxAmounts[i]) revert IndexVault__AmountAboveMax(tokens[i], amount, maxAmounts[i]);
            if (amount != 0) _held[i] = held + amount;
            amounts[i] = amount;
        }
        _mint(receiver, shares);
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
        uint256 supply = _accrueFee(false);
        address[] memory tokens = AddressListStore.read(_basketPointer);
        uint256 n = tokens.length;
        if (minAmounts.length != n) revert IndexVault__LengthMismatch(n, minAmounts.length);

        _burn(msg.sender, shares);
        amounts = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            uint256 held = _held[i];
            uint256 amount = ProRata.redeemAmount(shares, held, supply);
            if (amount < minAmounts[i]) revert IndexVault__AmountBelowMin(tokens[i], amount, minAmounts[i]);
            if (amount != 0) _held[i] = held - amount;
            amounts[i] = amount;
        }
        for (uint256 i; i < n; ++i) {
            if (amounts[i] != 0) IERC20(tokens[i]).safeTransfer(receiver, amounts[i]);
        }
        emit Redeemed(msg.sender, receiver, shares, amounts);
    }

    /// @inheritdoc IIndexVault
    function previewMint(uint256 shares) external view returns (uint256[] memory amounts) {
        uint256 supply = totalSupply() + _pendingFeeShares();
        if (supply == 0) revert IndexVault__NotSeeded();
        uint256 n = _sectors.length;
        amounts = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            amounts[i] = ProRata.mintAmount(shares, _held[i], supply);
        }
    }

    /// @inheritdoc IIndexVault
    function previewRedeem(uint256 shares) external view returns (uint256[] memory amounts) {
        uint256 supply = totalSupply() + _pendingFeeShares();
        uint256 n = _sectors.length;
        amounts = new uint256[](n);
        if (supply == 0) return amounts;
        for (uint256 i; i < n; ++i) {
            amounts[i] = ProRata.redeemAmount(shares, _held[i], supply);
        }
    }

    /// @inheritdoc IIndexVault
    function accrueFee() external nonReentrant {
        _accrueFee(false);
    }

    // ================================================================ owner

    /// @inheritdoc IIndexVault
    function addAsset(address token, bytes32 sector, RiskTier tier) external onlyOwner {
        _addAsset(token, sector, tier);
        address[] memory old = _basket();
        address[] memory tokens = new address[](old.length + 1);
        for (uint256 i; i < old.length; ++i) {
            tokens[i] = old[i];
        }
        tokens[old.length] = token;
        _basketPointer = AddressListStore.write(tokens);
    }

    /// @inheritdoc IIndexVault
    function removeAsset(address token) external onlyOwner {
        uint256 index = _indexOf(token);
        uint256 held = _held[index];
        uint16 weight = _targetWeightsBps[index];
        if (held != 0 || weight != 0) revert IndexVault__AssetStillHeld(token, held, weight);

        address[] memory tokens = _basket();
        uint256 last = tokens.length - 1;
        if (index != last) {
            // Swap the last asset into the freed index; the order of the basket is not meaningful.
            address moved = tokens[last];
            tokens[index] = moved;
            _indexPlusOne[moved] = index + 1;
            _held[index] = _held[last];
            _sectors[index] = _sectors[last];
            _tiers[index] = _tiers[last];
            _targetWeightsBps[index] = _targetWeightsBps[last];
        }
        delete _held[last];
        delete _indexPlusOne[token];
        _sectors.pop();
        _tiers.pop();
        _targetWeightsBps.pop();
        assembly ("memory-safe") {
            mstore(tokens, last) // drop the last entry of the in-memory list
        }
        _basketPointer = AddressListStore.write(tokens);
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
        _accrueFee(false); // the time so far is charged at the old rate
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
        uint256 accounted = index == 0 ? 0 : _held[index - 1];
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
        address[] memory tokens = _basket();
        list = new Asset[](tokens.length);
        for (uint256 i; i < tokens.length; ++i) {
            list[i] = Asset(tokens[i], _sectors[i], _tiers[i], _held[i], _targetWeightsBps[i]);
        }
    }

    /// @inheritdoc IIndexVault
    function holdings() external view returns (uint256[] memory amounts) {
        uint256 n = _sectors.length;
        amounts = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            amounts[i] = _held[i];
        }
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

    function nonces(address account) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(account);
    }

    // ================================================================ internal

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }

    /// @dev Mints the fee due since the last accrual and returns the supply after it.
    /// @param forMint whether the caller mints, so the mint pause applies (read from the same slot)
    function _accrueFee(bool forMint) private returns (uint256 supply) {
        if (forMint && _mintPaused) revert IndexVault__MintPaused();
        supply = totalSupply();
        uint256 last = _lastFeeAccrual;
        if (last == block.timestamp) return supply;
        _lastFeeAccrual = uint40(block.timestamp);
        uint256 fee = _feeBps;
        if (fee == 0 || supply == 0) return supply;
        uint256 shares = ProRata.feeShares(supply, fee, block.timestamp - last);
        if (shares == 0) return supply;
        address recipient = _feeRecipient;
        _mint(recipient, shares);
        emit FeeAccrued(recipient, shares, block.timestamp);
        return supply + shares;
    }

    function _pendingFeeShares() private view returns (uint256) {
        uint256 supply = totalSupply();
        if (_feeBps == 0 || supply == 0) return 0;
        return ProRata.feeShares(supply, _feeBps, block.timestamp - _lastFeeAccrual);
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

    function _basket() private view returns (address[] memory) {
        return AddressListStore.read(_basketPointer);
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

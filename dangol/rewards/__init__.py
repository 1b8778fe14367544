"""The loyalty program: points ledger, membership tiers, referrals, coupons and the rewards catalogue."""

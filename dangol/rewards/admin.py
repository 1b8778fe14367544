"""The program's rules are edited here by managers with the admin site (tiers, earn rules, coupons, rewards)."""

from django.contrib import admin

from dangol.rewards.models import CouponDefinition, EarnRule, Program, Reward, Tier


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    exclude = ("tiers_evaluated_for", "updated_by")

    def has_add_permission(self, request: object) -> bool:
        return not Program.objects.exists()

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "rank",
        "min_spend",
        "min_visits",
        "rule",
        "earn_rate_percent",
        "discount_percent",
    )


@admin.register(EarnRule)
class EarnRuleAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "category",
        "touchpoint",
        "channel",
        "multiplier",
        "starts_at",
        "ends_at",
        "active",
    )
    list_filter = ("active",)


@admin.register(CouponDefinition)
class CouponDefinitionAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "value", "min_spend_won", "valid_days", "trigger", "active")
    filter_horizontal = ("categories",)


@admin.register(Reward)
class RewardAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "points_cost", "coupon", "stock", "active")

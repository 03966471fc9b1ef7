from django.shortcuts import render

from assessments.models import Cycle, Indicator, IndicatorSet


def indicator_list(request):
    """Public: the 21 indicators of the current cycle's set, for residents and RT chairs."""
    cycle = Cycle.objects.select_related("indicator_set").first()
    indicator_set = cycle.indicator_set if cycle else IndicatorSet.objects.first()
    indicators = Indicator.objects.filter(indicator_set=indicator_set).order_by("order")
    return render(
        request,
        "assessments/indicator_list.html",
        {"indicator_set": indicator_set, "indicators": indicators, "cycle": cycle},
    )

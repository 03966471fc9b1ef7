from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def assessor_home(request):
    # Placeholder until the scoring pages land: the assessor's assigned RTs.
    return render(request, "assessments/assessor_home.html", {})

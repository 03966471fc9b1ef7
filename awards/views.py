from django.shortcuts import render


def verify_form(request):
    # Placeholder until verification lands (issue 4).
    return render(request, "awards/verify_form.html", {})


def verify(request, code):
    # Placeholder until verification lands (issue 4).
    return render(request, "awards/verify_form.html", {})

from blocs.years import selected_year, year_choices


def year(request):
    """The year the user is working on, kept in the session, and the years to choose from."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    current = selected_year(request)
    return {"selected_year": current, "year_choices": year_choices(current)}

from medoffice.core.roles import Role


def test_front_desk_sees_the_home_page(client_for):
    client = client_for(Role.FRONT_DESK)
    assert client.get("/").status_code == 200


def test_front_desk_home_page_summarises_today(client_for):
    response = client_for(Role.FRONT_DESK).get("/")
    assert 'data-testid="today"' in response.content.decode()


def test_hr_home_page_has_no_appointment_summary(client_for):
    response = client_for(Role.HR).get("/")
    assert 'data-testid="today"' not in response.content.decode()


def test_home_page_counts_todays_visits_in_the_users_locations(client_for, location, clock_at):
    clock_at(10)  # a visit earlier today, whatever the hour the suite runs
    from tests.frontdesk.factories import todays_visit

    todays_visit(location)
    client = client_for(Role.FRONT_DESK, locations=[location])
    today = client.get("/").context["today"]
    assert today["booked"] == 1
    assert today["to_come"] == 1

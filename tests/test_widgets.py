from diagnostic.widgets import ALL_TYPES, issue_ranking_app


def test_actor_type_filter_updates_the_figure_in_place(example_diag):
    app = issue_ranking_app(example_diag)
    figure = app.figure
    before = list(figure.data[0].x)
    assert app.actor_type.options[0] == ALL_TYPES
    app.actor_type.value = "cooperative"
    after = list(figure.data[0].x)
    assert app.figure is figure and after != before
    coop = example_diag.rank_issues(["cooperative"]).sort_values("rank", ascending=False)
    assert after == coop["support"].astype(float).tolist()
    assert "<b>16</b>" in app.status.value
    assert app.errors.outputs == ()

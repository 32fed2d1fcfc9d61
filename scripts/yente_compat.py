"""Checks Ward's HTTP answers against yente's own response models (the pydantic classes of the
`yente` package), so that a client written for yente reads Ward's answers unchanged.

Usage: python3 scripts/yente_compat.py http://127.0.0.1:PORT   (needs `pip install yente`)
"""
import json
import sys
import urllib.request

import yente.data.common as yente

base = sys.argv[1].rstrip("/")


def get(path):
    return json.load(urllib.request.urlopen(base + path))


def post(path, body):
    request = urllib.request.Request(
        base + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    return json.load(urllib.request.urlopen(request))


query = {
    "queries": {
        "person": {
            "schema": "Person",
            "properties": {"name": ["Wang Junzheng"], "birthDate": ["1963"], "nationality": ["China"]},
        },
        "company": {"schema": "Company", "properties": {"name": ["Bank Melli Iran"], "jurisdiction": ["ir"]}},
        "vessel": {"schema": "Vessel", "properties": {"name": ["Sea Star"]}},
    }
}
yente.EntityMatchQuery.model_validate(query)
matches = yente.EntityMatchResponse.model_validate(post("/match/default?limit=3", query))
person = matches.responses["person"]
assert person.status == 200 and person.results, person
top = person.results[0]
assert top.match and top.score >= 0.9, top
assert {"us_ofac_sdn", "gb_hmt_sanctions", "ca_dfatd_sema_sanctions"} <= set(top.datasets), top.datasets
search = yente.SearchResponse.model_validate(get("/search/default?q=Bortnikov&limit=3"))
assert search.results, search
entity = yente.EntityResponse.model_validate(get("/entities/" + top.id))
assert entity.id == top.id
algorithms = yente.AlgorithmResponse.model_validate(get("/algorithms"))
print(
    f"yente models accept Ward's answers: /match ({len(matches.responses)} queries, top "
    f"{top.id} {top.score:.2f}), /search ({len(search.results)}), /entities, /algorithms "
    f"(default {algorithms.default})"
)

"""The one part of the packaging pyproject.toml cannot say: the seed model, its property catalogue
and its flow files live at the top of the repository (model/, properties/, flows/, as the design
reads), and a wheel ships them inside the imsflow package as `imsflow/_seed/{model,properties,flows}`
so that an installed imsflow finds its seed without the repository and installs no top-level
`model` package that could clash with someone else's.  imsflow/loader.py looks for the seed there
first and in the checkout second.
"""

from setuptools import find_namespace_packages, setup

SEED = {"imsflow._seed.model": "model", "imsflow._seed.properties": "properties", "imsflow._seed.flows": "flows"}

setup(
    # Namespace discovery: a subpackage without __init__.py (imsflow/render/) ships too.
    packages=find_namespace_packages(include=["imsflow", "imsflow.*"], exclude=["*.__pycache__"]) + list(SEED),
    package_dir=SEED,
    package_data={
        "imsflow.system": ["_expand.c", "_search.c"],  # compiled on first use (imsflow/system/fast.py)
        "imsflow._seed.properties": ["*.yaml"],
        "imsflow._seed.flows": ["*.yaml"],
    },
)

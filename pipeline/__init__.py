"""Eerste Kamer ETL: fetch, parse, normalise, validate and publish the papers of the Dutch Senate.

A plain package: nothing here needs Airflow. The DAGs in `dags/` are thin wrappers.
"""

__version__ = "0.1.0"

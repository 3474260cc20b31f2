"""One run of the pipeline, written once for the command line and the Airflow tasks.

`steps` holds each stage step (what it reads, what it writes, when there is nothing new, when a
batch is quarantined); `journal` records every step's result or failure and makes the run
summary; `params` turns DAG Params and Variables into `Settings`; `run` is the command line's
run, the same steps one after the other. Nothing here imports Airflow.
"""

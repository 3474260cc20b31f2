# The Airflow image of the production stack: the official Airflow 3.3.2 image with the project's
# pinned requirements, the `pipeline` package, its expectation suites and the DAGs.
FROM apache/airflow:3.3.2-python3.11

ENV EK_PROJECT_DIR=/opt/eerstekamer
# The dags folder is on sys.path in Airflow, the project root is not: put it there.
ENV PYTHONPATH=/opt/eerstekamer \
    EK_DATA_DIR=/opt/airflow/data \
    GX_ANALYTICS_ENABLED=false

USER airflow

# Dependencies first (cached while only the code changes). apache-airflow is pinned in the same
# install, so pip cannot up- or downgrade the Airflow the image ships.
COPY --chown=airflow:root requirements.txt ${EK_PROJECT_DIR}/requirements.txt
RUN pip install --no-cache-dir "apache-airflow==3.3.2" -r ${EK_PROJECT_DIR}/requirements.txt

COPY --chown=airflow:root pyproject.toml ${EK_PROJECT_DIR}/pyproject.toml
COPY --chown=airflow:root pipeline ${EK_PROJECT_DIR}/pipeline
COPY --chown=airflow:root expectations ${EK_PROJECT_DIR}/expectations
COPY --chown=airflow:root dags /opt/airflow/dags

RUN python -c "import pipeline.flow.steps, pipeline.publish.datasets" \
    && mkdir -p /opt/airflow/data

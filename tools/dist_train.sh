#!/usr/bin/env bash
# Multi-process training, mmaction2-style:
#   tools/dist_train.sh CONFIG NPROC [tools/train.py args...]
# e.g. tools/dist_train.sh configs/partkd/partkd_...py 2 --work-dir work_dirs/x
# Without CUDA the processes talk over gloo (tools/train.py calls
# mmpartkd.utils.setup_cpu_distributed); with CUDA the config's backend
# (nccl) is used. NNODES, NODE_RANK, PORT, MASTER_ADDR and PYTHON can be set
# in the environment.
set -e
CONFIG=$1
GPUS=$2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}
PYTHON=${PYTHON:-python}

PYTHONPATH="$(dirname "$0")/..":$PYTHONPATH \
"$PYTHON" -m torch.distributed.run \
    --nnodes=$NNODES \
    --node_rank=$NODE_RANK \
    --master_addr=$MASTER_ADDR \
    --nproc_per_node=$GPUS \
    --master_port=$PORT \
    "$(dirname "$0")/train.py" \
    "$CONFIG" \
    --launcher pytorch "${@:3}"

"""Run inside build/lifetimes-venv by benchmarks/segmentation.py: the lifetimes package's Gamma-Gamma fit on a
calibration summary (JSON with frequency and monetary), its CPU seconds (median of 5 after a warm-up) and
parameters, printed as JSON."""

import json
import statistics
import sys
import time
from pathlib import Path

import pandas as pd
from lifetimes import GammaGammaFitter

data = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
frequency, monetary = pd.Series(data["frequency"]), pd.Series(data["monetary"])
repeat = frequency > 0
GammaGammaFitter().fit(frequency[repeat], monetary[repeat])
runs = []
for _ in range(5):
    start = time.process_time()
    fit = GammaGammaFitter().fit(frequency[repeat], monetary[repeat])
    runs.append(time.process_time() - start)
print(json.dumps({"cpu": statistics.median(runs), "p": fit.params_["p"], "q": fit.params_["q"],
                  "gamma": fit.params_["v"]}))

"""The architect's and editor's workflow: the verdict matrix over variants, the diff between two
designs, and the reachability summaries both read.  Jobs cross an executor seam as plain data
(executor.py), so the same code runs on a process pool today and a cluster later."""

"""Rules as data and the Python checks behind them: Article, Facts -> Findings (pure)."""

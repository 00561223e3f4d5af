"""AppTest's entry point for the whole app: runs dashboard/app.py from tests/, a folder without `pages/`.

AppTest resets Streamlit's "pages directory" flag before every run, so with dashboard/app.py as its script every
rerun after the first would execute the page file alone (Streamlit's old multipage layout) instead of app.py and
its st.navigation. `nianbao serve` avoids that by setting the flag (dashboard/serve.py); here the script's folder
simply has no pages/.
"""

import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py"), run_name="__main__")

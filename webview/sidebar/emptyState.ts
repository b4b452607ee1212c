/** The one text for "no runs yet", shared by the sidebar and the Runs view's welcome (package.json viewsWelcome). */
export const NO_RUNS_TEXT =
  'No runs yet. Open an experiment file (*.snn.json or *.snn.yaml) and click Run above it, or scaffold one';

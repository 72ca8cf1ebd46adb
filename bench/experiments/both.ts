// Experiment, not server code: both coalesce-output.ts and sliced-resume.ts (the combination that helped most).
import './coalesce-output.js';
import './sliced-resume.js';

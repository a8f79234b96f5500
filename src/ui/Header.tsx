/** The page header: the app, the lab's title and its paper citation, and a link to the spec. */
import { labOf } from '../state/store';
import { useApp } from './hooks';
import { ShareButton } from './Toolbar';

/** DOI and short citation of each lab's paper (the registry holds the full reference). */
const PAPER_LINKS: Record<string, { short: string; doi: string }> = {
  isn: {
    short: 'Soldado-Magraner, Seay, Laje & Buonomano (2022) PNAS 119:e2200621119',
    doi: '10.1073/pnas.2200621119',
  },
  assemblies: {
    short: 'Mackwood, Naumann & Sprekeler (2021) eLife 10:e59715',
    doi: '10.7554/eLife.59715',
  },
  coba: {
    short: 'Brette et al. (2007) J Comput Neurosci 23:349–398 (benchmark 1)',
    doi: '10.1007/s10827-007-0038-6',
  },
};

export function Header() {
  const labId = useApp((s) => s.labId);
  const lab = labOf(labId);
  const link = PAPER_LINKS[lab.id];
  const specFile = lab.spec.split('/').pop() ?? '';
  return (
    <header className="header">
      <div className="brand">
        <svg className="logo" viewBox="0 0 32 32" width="26" height="26" aria-hidden="true">
          <circle cx="11" cy="16" r="8" fill="#c0392b" />
          <circle cx="21" cy="16" r="8" fill="#2471a3" fillOpacity="0.85" />
        </svg>
        <span className="brand-name">EI Lab</span>
      </div>
      <div className="lab-heading">
        <h1 className="lab-title">{lab.title}</h1>
        <p className="citation" title={lab.paper}>
          {link ? (
            <a href={`https://doi.org/${link.doi}`} target="_blank" rel="noopener noreferrer">
              {link.short}
            </a>
          ) : (
            lab.paper
          )}
          {specFile && (
            <>
              {' · '}
              <a
                href={`./spec/${specFile}`}
                target="_blank"
                rel="noopener"
                title="The model as implemented here: equations, values and their sources"
              >
                Model spec
              </a>
            </>
          )}
        </p>
      </div>
      <div className="header-actions">
        <ShareButton />
      </div>
    </header>
  );
}

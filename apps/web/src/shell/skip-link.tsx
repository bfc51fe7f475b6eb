import classes from './skip-link.module.css';

export const MAIN_ID = 'main';
export const mainClass = classes.main;

/** The first thing Tab reaches: moves focus past the header and navigation to the page itself. */
export function SkipLink() {
  return (
    <a
      href={`#${MAIN_ID}`}
      className={classes.skipLink}
      // Focus without a fragment in the address: the page's own query (filters) stays as it is.
      onClick={(event) => {
        event.preventDefault();
        document.getElementById(MAIN_ID)?.focus();
      }}
    >
      Skip to content
    </a>
  );
}

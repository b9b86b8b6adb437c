"""hushdesk's three faces, each in its own package, and what they share.

    tui/cli/      the command line (`hushdesk ...`)
    tui/app/      the Textual app
    tui/hosting/  demo sessions over SSH and in a browser

Below all three: `text` (customer text made safe to show), `wording` (what
hushdesk says about outcomes) and `places` (where files live). The app never
imports the command line or the hosting; the command line imports the others
only inside the command that needs them, so a plain command never loads Textual.
"""

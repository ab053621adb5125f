/* i18n.h: translation markers; gettext is wired behind them by the translation work. */
#ifndef LSC_I18N_H
#define LSC_I18N_H

/* _() translates a string where it is shown; N_() marks one a table holds, translated with _() when shown. */
#ifndef _
#define _(s) (s)
#endif
#ifndef N_
#define N_(s) (s)
#endif

#endif

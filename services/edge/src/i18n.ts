// The public pages' texts in English, Spanish and French (issue 13). The language is the page's
// `?lang=` (the visible switch) or the form's `lang` field, else the best of Accept-Language,
// else English. Texts never put the brand's name inside a sentence: they say "we", so they read
// naturally whatever the name, and neutrally without one.

export const LANGS = ['en', 'es', 'fr'] as const;
export type Lang = (typeof LANGS)[number];
const DEFAULT_LANG: Lang = 'en';

export const LANG_NAMES: Record<Lang, string> = { en: 'English', es: 'Español', fr: 'Français' };

const isLang = (v: unknown): v is Lang => typeof v === 'string' && (LANGS as readonly string[]).includes(v);

/** RFC 9110 Accept-Language: the highest-q range we have (primary subtag), ties in header order. */
export function negotiate(acceptLanguage: string | undefined, explicit?: unknown): Lang {
  if (isLang(explicit)) return explicit;
  if (!acceptLanguage) return DEFAULT_LANG;
  let best: { lang: Lang; q: number } | undefined;
  for (const part of acceptLanguage.split(',').slice(0, 20)) {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    const primary = range.split('-')[0];
    const lang = primary === '*' ? DEFAULT_LANG : primary;
    if (isLang(lang) && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang ?? DEFAULT_LANG;
}

/** Why a scope is blocked in words, by the list's reason (check's `reason`). */
type BlockReason = 'complaint' | 'hard-bounce' | 'do-not-sell' | 'admin' | 'other';

export function blockReasonOf(reason: string): BlockReason {
  if (reason === 'complaint') return 'complaint';
  if (reason === 'hard-bounce') return 'hard-bounce';
  if (reason.startsWith('do-not-sell')) return 'do-not-sell';
  if (reason === 'admin') return 'admin';
  return 'other';
}

export interface Messages {
  language: string;
  privacyPolicy: string;
  contactEmail: (email: string) => string;
  contactPhone: (phone: string) => string;
  contactNone: string;
  // preference page
  prefsTitle: string;
  prefsHeading: string;
  prefsFor: string;
  prefsIntro: string;
  prefsTopicsLegend: string;
  prefsNoTopics: string;
  prefsTopicOn: string;
  prefsTopicOff: string;
  prefsBlocked: Record<BlockReason, string>;
  prefsBlockedTail: string;
  prefsAllLegend: string;
  prefsAllLabel: string;
  prefsAllHint: string;
  prefsAllIsOn: string;
  prefsAllBlocked: string;
  prefsSave: string;
  prefsResubscribeNote: string;
  transactionalStill: string;
  prefsRefused: string;
  // confirmation
  savedTitle: string;
  savedHeading: string;
  savedStopped: string;
  savedResumed: string;
  savedAllStopped: string;
  savedAllResumed: string;
  savedNothing: string;
  savedUndo: string;
  undoneHeading: string;
  savedBack: string;
  // one-click, bad link, bad request
  oneClickTitle: string;
  oneClickDone: string;
  invalidTitle: string;
  invalidHeading: string;
  invalidWhy: string;
  invalidStill: string;
  invalidButton: string;
  invalidWrite: (link: string) => string;
  invalidCall: (phone: string) => string;
  badRequestTitle: string;
  // Do-Not-Sell
  dnsTitle: string;
  dnsHeading: string;
  dnsGpcHonored: string;
  dnsGpcFailed: string;
  dnsWhenSent: string;
  dnsStopSelling: string;
  dnsStopMarketing: string;
  dnsKeepNewsletters: string;
  dnsNoProof: string;
  dnsEmail: string;
  dnsPhone: string;
  dnsSubmit: string;
  dnsAskOther: (ways: string) => string;
  dnsByPhone: (phone: string) => string;
  dnsByEmail: (email: string) => string;
  dnsAgent: string;
  dnsDoneTitle: string;
  dnsDoneHeading: string;
  dnsDone: (ids: string, marketing: boolean) => string;
  dnsDoneGpc: string;
  dnsRequestNumber: string;
  dnsIds: { email: string; phone: string; browser: string };
  dnsErrors: { form: string; email: string; phone: string; tooMany: string };
  // opt-out box
  optOutTitle: string;
  optOutIntro: string;
  optOutLabel: string;
  optOutButton: string;
  optOutDoneTitle: string;
  optOutDoneHeading: string;
  optOutDone: (email: string) => string;
  optOutDoneKinds: string;
  optOutConfirmation: string;
  optOutErrors: { email: string; tooMany: string };
}

const en: Messages = {
  language: 'Language',
  privacyPolicy: 'Privacy policy',
  contactEmail: (e) => `Questions? Write to ${e}`,
  contactPhone: (p) => `or call ${p}`,
  contactNone: 'Questions? Reply to any of our emails.',
  prefsTitle: 'Email preferences',
  prefsHeading: 'Your email preferences',
  prefsFor: 'These choices are for',
  prefsIntro:
    'Choose the emails you want to receive. Nothing changes until you press "Save my choices". No login is needed.',
  prefsTopicsLegend: 'Emails you can receive',
  prefsNoTopics: 'There are no newsletters to choose from right now.',
  prefsTopicOn: 'You receive these emails.',
  prefsTopicOff: 'You do not receive these emails.',
  prefsBlocked: {
    complaint: 'Stopped because this address reported one of our emails as spam.',
    'hard-bounce': 'Stopped because mail to this address could not be delivered.',
    'do-not-sell': 'Stopped by your Do-Not-Sell or Share request.',
    admin: 'Stopped by our support team.',
    other: 'Stopped.',
  },
  prefsBlockedTail: 'This page cannot start it again; contact us if you want it back.',
  prefsAllLegend: 'All marketing email',
  prefsAllLabel: 'Unsubscribe from all marketing email',
  prefsAllHint: 'When this box is ticked, you receive none of the emails above.',
  prefsAllIsOn:
    'You are unsubscribed from all marketing email. Untick the box to receive the emails you choose above.',
  prefsAllBlocked: 'You receive no marketing email from us.',
  prefsSave: 'Save my choices',
  prefsResubscribeNote:
    'Turning an email back on here is recorded as your confirmation. It never undoes a spam report, an address that bounced, a Do-Not-Sell or Share request, or a stop made by our support team.',
  transactionalStill: 'Emails about your orders and your account will still reach you.',
  prefsRefused: 'One of these emails cannot be started again from this page. Nothing was changed.',
  savedTitle: 'Preferences saved',
  savedHeading: 'Your choices are saved',
  savedStopped: 'You will no longer receive:',
  savedResumed: 'You will receive again:',
  savedAllStopped: 'You are unsubscribed from all marketing email.',
  savedAllResumed: 'Marketing email is on again for the emails you chose.',
  savedNothing: 'Nothing changed.',
  savedUndo: 'Undo these changes',
  undoneHeading: 'Your changes are undone',
  savedBack: 'Back to your email preferences',
  oneClickTitle: 'Unsubscribed',
  oneClickDone: 'You are unsubscribed. We will not send you this marketing email any more.',
  invalidTitle: 'Link not valid',
  invalidHeading: 'This unsubscribe link is not valid',
  invalidWhy: 'We could not read this link. It may have been cut or changed when it was copied.',
  invalidStill: 'You can still unsubscribe:',
  invalidButton:
    'use the unsubscribe button of your mail program, or the link in a more recent email from us;',
  invalidWrite: (l) => `or write to ${l} with the word "unsubscribe" and we will remove your address;`,
  invalidCall: (p) => `or call us at ${p}.`,
  badRequestTitle: 'Request not understood',
  dnsTitle: 'Do Not Sell or Share',
  dnsHeading: 'Do Not Sell or Share My Personal Information',
  dnsGpcHonored:
    "Your browser's Global Privacy Control signal was honored: we have stopped selling or sharing the information linked to this browser. You do not need to do anything else for this browser.",
  dnsGpcFailed:
    'Your browser sends a Global Privacy Control signal, but we could not record it just now. Reload this page to try again, or use the form below.',
  dnsWhenSent: 'When you send this form, we will:',
  dnsStopSelling: 'stop selling or sharing your personal information, and',
  dnsStopMarketing: 'stop sending you all marketing email.',
  dnsKeepNewsletters: 'Keep sending me the newsletters I subscribed to (only stop selling or sharing)',
  dnsNoProof:
    'We do not ask you to prove who you are. Give the email address and/or phone number you use with us, so we can find your records.',
  dnsEmail: 'Email address',
  dnsPhone: 'Phone number',
  dnsSubmit: 'Do not sell or share my information',
  dnsAskOther: (w) => `You can also ask ${w}, yourself or through an authorized agent.`,
  dnsByPhone: (p) => `by phone at ${p}`,
  dnsByEmail: (e) => `by writing to ${e}`,
  dnsAgent: 'by contacting us',
  dnsDoneTitle: 'Request recorded',
  dnsDoneHeading: 'Your request is recorded',
  dnsDone: (ids, m) =>
    `We have stopped selling or sharing the personal information linked to ${ids}${m ? ', and will send no more marketing email to your address' : ''}.`,
  dnsDoneGpc: "Your browser's Global Privacy Control signal was honored as well.",
  dnsRequestNumber: 'Your request number is',
  dnsIds: { email: 'your email address', phone: 'your phone number', browser: 'this browser' },
  dnsErrors: {
    form: 'The form could not be read.',
    email: 'This email address does not look right.',
    phone: 'This phone number does not look right.',
    tooMany:
      'We received several requests for this email address or phone number in the last minutes. Please try again in a few minutes.',
  },
  optOutTitle: 'Opt out of marketing email',
  optOutIntro:
    'Enter your email address and we will stop sending it all marketing email: newsletters, offers and promotions. Nothing else is asked.',
  optOutLabel: 'Email address',
  optOutButton: 'Opt out',
  optOutDoneTitle: 'Opted out',
  optOutDoneHeading: 'You are opted out',
  optOutDone: (e) => `We will send no more marketing email to ${e}.`,
  optOutDoneKinds:
    'Emails about your orders and your account (order confirmations, shipping updates, password resets) will still arrive.',
  optOutConfirmation:
    'We will send one email to this address to confirm it (at most one every 30 days); it carries no marketing.',
  optOutErrors: {
    email: 'This email address does not look right. Check it and try again.',
    tooMany:
      'We received several requests for this email address in the last minutes. Please try again in a few minutes.',
  },
};

const es: Messages = {
  language: 'Idioma',
  privacyPolicy: 'Política de privacidad',
  contactEmail: (e) => `¿Preguntas? Escríbanos a ${e}`,
  contactPhone: (p) => `o llámenos al ${p}`,
  contactNone: '¿Preguntas? Responda a cualquiera de nuestros correos.',
  prefsTitle: 'Preferencias de correo',
  prefsHeading: 'Sus preferencias de correo',
  prefsFor: 'Estas opciones son para',
  prefsIntro:
    'Elija los correos que desea recibir. Nada cambia hasta que pulse «Guardar mis opciones». No hace falta iniciar sesión.',
  prefsTopicsLegend: 'Correos que puede recibir',
  prefsNoTopics: 'Ahora mismo no hay boletines para elegir.',
  prefsTopicOn: 'Recibe estos correos.',
  prefsTopicOff: 'No recibe estos correos.',
  prefsBlocked: {
    complaint: 'Detenido porque esta dirección marcó uno de nuestros correos como spam.',
    'hard-bounce': 'Detenido porque el correo a esta dirección no se pudo entregar.',
    'do-not-sell': 'Detenido por su solicitud de No vender ni compartir.',
    admin: 'Detenido por nuestro equipo de atención.',
    other: 'Detenido.',
  },
  prefsBlockedTail: 'Esta página no puede reactivarlo; contáctenos si desea recibirlo de nuevo.',
  prefsAllLegend: 'Todo el correo de marketing',
  prefsAllLabel: 'Darme de baja de todo el correo de marketing',
  prefsAllHint: 'Con esta casilla marcada, no recibirá ninguno de los correos anteriores.',
  prefsAllIsOn:
    'Está dado de baja de todo el correo de marketing. Desmarque la casilla para recibir los correos que elija arriba.',
  prefsAllBlocked: 'No recibe correo de marketing de nuestra parte.',
  prefsSave: 'Guardar mis opciones',
  prefsResubscribeNote:
    'Reactivar aquí un correo queda registrado como su confirmación. Nunca anula una denuncia de spam, una dirección que rebotó, una solicitud de No vender ni compartir ni una baja hecha por nuestro equipo de atención.',
  transactionalStill: 'Los correos sobre sus pedidos y su cuenta le seguirán llegando.',
  prefsRefused: 'Uno de estos correos no se puede reactivar desde esta página. No se ha cambiado nada.',
  savedTitle: 'Preferencias guardadas',
  savedHeading: 'Sus opciones están guardadas',
  savedStopped: 'Ya no recibirá:',
  savedResumed: 'Volverá a recibir:',
  savedAllStopped: 'Está dado de baja de todo el correo de marketing.',
  savedAllResumed: 'El correo de marketing vuelve a estar activo para los correos que eligió.',
  savedNothing: 'No ha cambiado nada.',
  savedUndo: 'Deshacer estos cambios',
  undoneHeading: 'Sus cambios se han deshecho',
  savedBack: 'Volver a sus preferencias de correo',
  oneClickTitle: 'Baja confirmada',
  oneClickDone: 'Se ha dado de baja. No le enviaremos más este correo de marketing.',
  invalidTitle: 'Enlace no válido',
  invalidHeading: 'Este enlace para darse de baja no es válido',
  invalidWhy: 'No pudimos leer este enlace. Puede que se haya cortado o modificado al copiarlo.',
  invalidStill: 'Aún puede darse de baja:',
  invalidButton:
    'use el botón para darse de baja de su programa de correo, o el enlace de un correo nuestro más reciente;',
  invalidWrite: (l) => `o escriba a ${l} con la palabra «baja» y eliminaremos su dirección;`,
  invalidCall: (p) => `o llámenos al ${p}.`,
  badRequestTitle: 'Solicitud no entendida',
  dnsTitle: 'No vender ni compartir',
  dnsHeading: 'No vender ni compartir mi información personal',
  dnsGpcHonored:
    'Se ha respetado la señal Global Privacy Control de su navegador: hemos dejado de vender o compartir la información vinculada a este navegador. No necesita hacer nada más para este navegador.',
  dnsGpcFailed:
    'Su navegador envía una señal Global Privacy Control, pero no pudimos registrarla ahora. Vuelva a cargar esta página para intentarlo de nuevo, o use el formulario.',
  dnsWhenSent: 'Cuando envíe este formulario:',
  dnsStopSelling: 'dejaremos de vender o compartir su información personal, y',
  dnsStopMarketing: 'dejaremos de enviarle todo el correo de marketing.',
  dnsKeepNewsletters:
    'Seguir enviándome los boletines a los que me suscribí (solo dejar de vender o compartir)',
  dnsNoProof:
    'No le pedimos que demuestre quién es. Indique la dirección de correo y/o el número de teléfono que usa con nosotros para que podamos encontrar sus datos.',
  dnsEmail: 'Correo electrónico',
  dnsPhone: 'Número de teléfono',
  dnsSubmit: 'No vender ni compartir mi información',
  dnsAskOther: (w) => `También puede pedirlo ${w}, usted mismo o mediante un agente autorizado.`,
  dnsByPhone: (p) => `por teléfono al ${p}`,
  dnsByEmail: (e) => `escribiendo a ${e}`,
  dnsAgent: 'contactándonos',
  dnsDoneTitle: 'Solicitud registrada',
  dnsDoneHeading: 'Su solicitud está registrada',
  dnsDone: (ids, m) =>
    `Hemos dejado de vender o compartir la información personal vinculada a ${ids}${m ? ', y no enviaremos más correo de marketing a su dirección' : ''}.`,
  dnsDoneGpc: 'También se ha respetado la señal Global Privacy Control de su navegador.',
  dnsRequestNumber: 'Su número de solicitud es',
  dnsIds: { email: 'su dirección de correo', phone: 'su número de teléfono', browser: 'este navegador' },
  dnsErrors: {
    form: 'No se pudo leer el formulario.',
    email: 'Esta dirección de correo no parece correcta.',
    phone: 'Este número de teléfono no parece correcto.',
    tooMany:
      'Recibimos varias solicitudes para esta dirección o este número en los últimos minutos. Inténtelo de nuevo dentro de unos minutos.',
  },
  optOutTitle: 'Darse de baja del correo de marketing',
  optOutIntro:
    'Escriba su dirección de correo y dejaremos de enviarle todo el correo de marketing: boletines, ofertas y promociones. No se pide nada más.',
  optOutLabel: 'Correo electrónico',
  optOutButton: 'Darme de baja',
  optOutDoneTitle: 'Baja confirmada',
  optOutDoneHeading: 'Se ha dado de baja',
  optOutDone: (e) => `No enviaremos más correo de marketing a ${e}.`,
  optOutDoneKinds:
    'Los correos sobre sus pedidos y su cuenta (confirmaciones de pedido, envíos, cambios de contraseña) seguirán llegando.',
  optOutConfirmation:
    'Enviaremos un correo a esta dirección para confirmarlo (como mucho uno cada 30 días); no contiene marketing.',
  optOutErrors: {
    email: 'Esta dirección de correo no parece correcta. Revísela e inténtelo de nuevo.',
    tooMany:
      'Recibimos varias solicitudes para esta dirección en los últimos minutos. Inténtelo de nuevo dentro de unos minutos.',
  },
};

const fr: Messages = {
  language: 'Langue',
  privacyPolicy: 'Politique de confidentialité',
  contactEmail: (e) => `Des questions ? Écrivez-nous à ${e}`,
  contactPhone: (p) => `ou appelez le ${p}`,
  contactNone: "Des questions ? Répondez à l'un de nos e-mails.",
  prefsTitle: 'Préférences e-mail',
  prefsHeading: 'Vos préférences e-mail',
  prefsFor: 'Ces choix concernent',
  prefsIntro:
    "Choisissez les e-mails que vous souhaitez recevoir. Rien ne change tant que vous n'avez pas appuyé sur « Enregistrer mes choix ». Aucune connexion n'est demandée.",
  prefsTopicsLegend: 'E-mails que vous pouvez recevoir',
  prefsNoTopics: "Il n'y a pas de lettre d'information à choisir pour le moment.",
  prefsTopicOn: 'Vous recevez ces e-mails.',
  prefsTopicOff: 'Vous ne recevez pas ces e-mails.',
  prefsBlocked: {
    complaint: "Arrêté parce que cette adresse a signalé l'un de nos e-mails comme spam.",
    'hard-bounce': "Arrêté parce que le courrier vers cette adresse n'a pas pu être remis.",
    'do-not-sell': 'Arrêté par votre demande de ne pas vendre ni partager.',
    admin: 'Arrêté par notre service client.',
    other: 'Arrêté.',
  },
  prefsBlockedTail:
    'Cette page ne peut pas le réactiver ; contactez-nous si vous souhaitez le recevoir à nouveau.',
  prefsAllLegend: 'Tous les e-mails marketing',
  prefsAllLabel: 'Me désabonner de tous les e-mails marketing',
  prefsAllHint: 'Lorsque cette case est cochée, vous ne recevez aucun des e-mails ci-dessus.',
  prefsAllIsOn:
    'Vous êtes désabonné de tous les e-mails marketing. Décochez la case pour recevoir les e-mails choisis ci-dessus.',
  prefsAllBlocked: 'Vous ne recevez aucun e-mail marketing de notre part.',
  prefsSave: 'Enregistrer mes choix',
  prefsResubscribeNote:
    "Réactiver ici un e-mail est enregistré comme votre confirmation. Cela n'annule jamais un signalement de spam, une adresse en échec de remise, une demande de ne pas vendre ni partager, ni un arrêt décidé par notre service client.",
  transactionalStill: 'Les e-mails concernant vos commandes et votre compte continueront de vous parvenir.',
  prefsRefused: "L'un de ces e-mails ne peut pas être réactivé depuis cette page. Rien n'a été modifié.",
  savedTitle: 'Préférences enregistrées',
  savedHeading: 'Vos choix sont enregistrés',
  savedStopped: 'Vous ne recevrez plus :',
  savedResumed: 'Vous recevrez de nouveau :',
  savedAllStopped: 'Vous êtes désabonné de tous les e-mails marketing.',
  savedAllResumed: 'Les e-mails marketing sont réactivés pour les e-mails choisis.',
  savedNothing: "Rien n'a changé.",
  savedUndo: 'Annuler ces changements',
  undoneHeading: 'Vos changements sont annulés',
  savedBack: 'Retour à vos préférences e-mail',
  oneClickTitle: 'Désabonné',
  oneClickDone: 'Vous êtes désabonné. Nous ne vous enverrons plus cet e-mail marketing.',
  invalidTitle: 'Lien non valide',
  invalidHeading: "Ce lien de désabonnement n'est pas valide",
  invalidWhy: "Nous n'avons pas pu lire ce lien. Il a peut-être été coupé ou modifié lors de la copie.",
  invalidStill: 'Vous pouvez toujours vous désabonner :',
  invalidButton:
    'utilisez le bouton de désabonnement de votre messagerie, ou le lien d’un e-mail plus récent de notre part ;',
  invalidWrite: (l) => `ou écrivez à ${l} avec le mot « désabonner » et nous retirerons votre adresse ;`,
  invalidCall: (p) => `ou appelez-nous au ${p}.`,
  badRequestTitle: 'Demande non comprise',
  dnsTitle: 'Ne pas vendre ni partager',
  dnsHeading: 'Ne pas vendre ni partager mes informations personnelles',
  dnsGpcHonored:
    'Le signal Global Privacy Control de votre navigateur a été respecté : nous avons cessé de vendre ou de partager les informations liées à ce navigateur. Vous n’avez rien d’autre à faire pour ce navigateur.',
  dnsGpcFailed:
    "Votre navigateur envoie un signal Global Privacy Control, mais nous n'avons pas pu l'enregistrer pour l'instant. Rechargez cette page pour réessayer, ou utilisez le formulaire.",
  dnsWhenSent: 'Lorsque vous envoyez ce formulaire, nous allons :',
  dnsStopSelling: 'cesser de vendre ou de partager vos informations personnelles, et',
  dnsStopMarketing: 'cesser de vous envoyer tout e-mail marketing.',
  dnsKeepNewsletters:
    "Continuer à m'envoyer les lettres d'information auxquelles je suis abonné (seulement ne plus vendre ni partager)",
  dnsNoProof:
    "Nous ne vous demandons pas de prouver votre identité. Indiquez l'adresse e-mail et/ou le numéro de téléphone que vous utilisez chez nous, afin que nous retrouvions vos données.",
  dnsEmail: 'Adresse e-mail',
  dnsPhone: 'Numéro de téléphone',
  dnsSubmit: 'Ne pas vendre ni partager mes informations',
  dnsAskOther: (w) => `Vous pouvez aussi le demander ${w}, vous-même ou par un mandataire autorisé.`,
  dnsByPhone: (p) => `par téléphone au ${p}`,
  dnsByEmail: (e) => `en écrivant à ${e}`,
  dnsAgent: 'en nous contactant',
  dnsDoneTitle: 'Demande enregistrée',
  dnsDoneHeading: 'Votre demande est enregistrée',
  dnsDone: (ids, m) =>
    `Nous avons cessé de vendre ou de partager les informations personnelles liées à ${ids}${m ? ', et n’enverrons plus d’e-mail marketing à votre adresse' : ''}.`,
  dnsDoneGpc: 'Le signal Global Privacy Control de votre navigateur a également été respecté.',
  dnsRequestNumber: 'Votre numéro de demande est',
  dnsIds: { email: 'votre adresse e-mail', phone: 'votre numéro de téléphone', browser: 'ce navigateur' },
  dnsErrors: {
    form: "Le formulaire n'a pas pu être lu.",
    email: 'Cette adresse e-mail ne semble pas correcte.',
    phone: 'Ce numéro de téléphone ne semble pas correct.',
    tooMany:
      'Nous avons reçu plusieurs demandes pour cette adresse ou ce numéro ces dernières minutes. Réessayez dans quelques minutes.',
  },
  optOutTitle: 'Ne plus recevoir d’e-mails marketing',
  optOutIntro:
    'Indiquez votre adresse e-mail et nous cesserons de lui envoyer tout e-mail marketing : lettres d’information, offres et promotions. Rien d’autre n’est demandé.',
  optOutLabel: 'Adresse e-mail',
  optOutButton: 'Me désabonner',
  optOutDoneTitle: 'Désabonné',
  optOutDoneHeading: 'Vous êtes désabonné',
  optOutDone: (e) => `Nous n’enverrons plus d’e-mail marketing à ${e}.`,
  optOutDoneKinds:
    'Les e-mails concernant vos commandes et votre compte (confirmations de commande, suivi de livraison, réinitialisation du mot de passe) continueront d’arriver.',
  optOutConfirmation:
    'Nous enverrons un e-mail à cette adresse pour le confirmer (au plus un tous les 30 jours) ; il ne contient aucun marketing.',
  optOutErrors: {
    email: 'Cette adresse e-mail ne semble pas correcte. Vérifiez-la et réessayez.',
    tooMany:
      'Nous avons reçu plusieurs demandes pour cette adresse ces dernières minutes. Réessayez dans quelques minutes.',
  },
};

export const MESSAGES: Record<Lang, Messages> = { en, es, fr };

// The topics `npm start` registers on a first start (issue 13), so the demo's sends, links and the
// preference page have real topics with names in English, Spanish and French. Only an empty
// registry is seeded: an operator's own topics, changes and archivals survive every restart.
import type { NewTopic } from '@sp/suppression';

export const DEMO_TOPICS: NewTopic[] = [
  {
    id: 'weekly-digest',
    channels: ['email'],
    defaultStatus: 'opt-out',
    names: { en: 'Weekly digest', es: 'Resumen semanal', fr: 'Le récap de la semaine' },
    descriptions: {
      en: 'Our best finds of the week, every Monday.',
      es: 'Lo mejor de la semana, cada lunes.',
      fr: 'Le meilleur de la semaine, chaque lundi.',
    },
  },
  {
    id: 'deals',
    channels: ['email', 'sms'],
    defaultStatus: 'opt-out',
    names: { en: 'Deals and offers', es: 'Ofertas y promociones', fr: 'Offres et promotions' },
    descriptions: {
      en: 'Sales, coupons and early access to offers.',
      es: 'Rebajas, cupones y acceso anticipado a las ofertas.',
      fr: 'Soldes, bons de réduction et accès anticipé aux offres.',
    },
  },
  {
    id: 'product-news',
    channels: ['email'],
    defaultStatus: 'opt-in',
    names: { en: 'Product news', es: 'Novedades de productos', fr: 'Nouveautés produits' },
    descriptions: {
      en: 'New arrivals and restocks of what you follow.',
      es: 'Nuevos productos y reposiciones de lo que sigues.',
      fr: 'Nouveaux produits et retours en stock de ce que vous suivez.',
    },
  },
];

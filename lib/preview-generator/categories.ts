import { transliterate } from './slug.js';

/** A question and its answer, as templates whose answers only point at the listing's facts (mostly its phone). */
export interface FaqTemplate {
  question: string;
  answer: string;
}

/**
 * What the embedded generator knows about a kind of business. Templates use `{name}`, `{city}`, `{street}`,
 * `{phone}`, `{kind}`, `{aKind}` ("a plumber"), `{trade}` and `{services}`; a capitalised key capitalises its value.
 * None of the wording claims anything a listing would have to say: no licences, years, awards, prices, guarantees,
 * availability or reviews.
 */
export interface CategoryKnowledge {
  /** Key of the category, also the design preset's (lib/site-templates/presets.ts). */
  id: string;
  /** What the business is, singular and lower-case ("plumber"). */
  kind: string;
  /** The work it does, as a noun phrase ("plumbing"). */
  trade: string;
  /** Customers come to the address (a shop), rather than the business coming to them (a trade). */
  storefront: boolean;
  /** Category names a listing may use for it, transliterated and lower-case. */
  synonyms: string[];
  /** Generic service names of the category, used when a listing names few of its own. */
  services: string[];
  headlines: string[];
  taglines: string[];
  about: string[];
  callsToAction: string[];
  faq: FaqTemplate[];
}

/** The categories the embedded generator knows, in the order they are matched. */
export const CATEGORIES: readonly CategoryKnowledge[] = [
  {
    id: 'plumber', kind: 'plumber', trade: 'plumbing', storefront: false,
    synonyms: ['plumber', 'plumbers', 'plumbing', 'plumbing services', 'fontanero', 'fontaneria', 'plomero', 'plomeria', 'plombier'],
    services: ['Leak repair', 'Drain cleaning', 'Faucet and toilet repair', 'Water heater repair', 'Pipe repair'],
    headlines: ['{name}, plumbing in {city}', 'Plumbing help in {city} from {name}', '{name}: your {city} plumber', 'Leaks, drains and pipes in {city}: {name}'],
    taglines: ['Plumbing help for {city}, from {name}.', 'Leaking tap or blocked drain in {city}? Call {name}.', 'Plumbing work in {city}, one call away at {phone}.', 'The {city} plumber on {street}.'],
    about: [
      'A dripping tap, a blocked drain or a pipe that needs replacing: these are the jobs {name} deals with in {city}.',
      'Describe the leak or the drain problem when you call {name}, and you will know what the next step is.',
      'Plumbing trouble rarely waits for a good moment, so the number for {name} is worth keeping close in {city}.',
      'From kitchens to bathrooms, {name} works on the pipes, taps and drains of {city} homes.',
    ],
    callsToAction: ['Call the plumber', 'Call about a leak', 'Phone {name}', 'Get plumbing help'],
    faq: [
      { question: 'Can {name} look at a leak in my home?', answer: 'Call {name} on {phone} and describe the leak; they will tell you what they can do.' },
      { question: 'How do I ask {name} about a plumbing job?', answer: 'Phone {phone} and explain the job and where in {city} you are.' },
    ],
  },
  {
    id: 'electrician', kind: 'electrician', trade: 'electrical work', storefront: false,
    synonyms: ['electrician', 'electricians', 'electrical', 'electrical contractor', 'electrical services', 'electricista', 'electricien', 'elektriker'],
    services: ['Lighting installation', 'Sockets and switches', 'Fuse box work', 'Wiring repairs', 'Electrical fault finding'],
    headlines: ['{name}, electrician in {city}', 'Electrical work in {city} by {name}', '{name}: wiring, lighting and sockets in {city}', 'Power problems in {city}? Meet {name}'],
    taglines: ['Electrical work in {city}, from {name}.', 'Lights, sockets and wiring in {city}: call {name}.', 'An electrician for {city}, on {phone}.', '{city} electrical work from {street}.'],
    about: [
      'New lights, extra sockets or a fault that keeps tripping the power: {name} takes on electrical jobs around {city}.',
      'When you call {name}, say what is not working and where in {city} you are.',
      'Electricity is not a do-it-yourself job, which is why people in {city} call an electrician like {name}.',
      'Whether it is a single switch or the wiring of a room, {name} can talk the job through with you on the phone.',
    ],
    callsToAction: ['Call the electrician', 'Phone {name}', 'Ask about your wiring', 'Talk to an electrician'],
    faq: [
      { question: 'Can {name} fix a circuit that keeps tripping?', answer: 'Call {name} on {phone} and describe what happens; they will tell you how they can help.' },
      { question: 'How do I book electrical work with {name}?', answer: 'Phone {phone} with a short description of the job and your address in {city}.' },
    ],
  },
  {
    id: 'roofer', kind: 'roofer', trade: 'roofing', storefront: false,
    synonyms: ['roofer', 'roofers', 'roofing', 'roofing contractor', 'roof repair', 'techador', 'techos', 'couvreur'],
    services: ['Roof repair', 'Roof replacement', 'Gutter cleaning and repair', 'Flat roofs', 'Roof inspections'],
    headlines: ['{name}, roofing in {city}', 'Roof repairs in {city} by {name}', '{name}: roofs and gutters in {city}', 'A roofer for {city}: {name}'],
    taglines: ['Roofing work for houses in {city}.', 'Missing tiles or a leaking roof in {city}? Call {name}.', 'Roofs and gutters in {city}, on {phone}.', 'The {city} roofer at {street}.'],
    about: [
      'Loose tiles, a leak after heavy rain or gutters that overflow: {name} works on roofs in {city}.',
      'A roof problem only grows, so it pays to call {name} as soon as you notice it in {city}.',
      'Tell {name} what you see from the ground and where the house is in {city}; that is the first step.',
      'Every roof needs looking after sooner or later, and {name} is a roofer in {city}.',
    ],
    callsToAction: ['Call about your roof', 'Phone {name}', 'Talk to a roofer', 'Ask about a repair'],
    faq: [
      { question: 'Can {name} look at my roof?', answer: 'Call {name} on {phone} and describe the problem and your address in {city}.' },
      { question: 'Does {name} work on gutters?', answer: 'Ask {name} on {phone}; the services they list are shown on this page.' },
    ],
  },
  {
    id: 'restaurant', kind: 'restaurant', trade: 'food', storefront: true,
    synonyms: ['restaurant', 'restaurants', 'restaurante', 'bistro', 'diner', 'eatery', 'grill', 'pizzeria', 'trattoria', 'taqueria', 'comedor', 'brasserie', 'steakhouse'],
    services: ['Lunch', 'Dinner'],
    headlines: ['{name}, a restaurant in {city}', 'Eat at {name} in {city}', '{name} on {street}', 'A table at {name}, {city}'],
    taglines: ['A place to eat on {street} in {city}.', 'Lunch or dinner in {city}? Try {name}.', 'Book a table at {name} on {phone}.', 'A {city} restaurant at {street}.'],
    about: [
      'Whether it is a quick lunch or a long dinner, {name} is a place to sit down and eat in {city}.',
      'Call {name} to ask about a table, or simply walk in at {street}.',
      'Bring friends, family or colleagues to {name} in {city}.',
      'The kitchen at {name} cooks for guests who come to {street} in {city}.',
    ],
    callsToAction: ['Book a table', 'Call to reserve', 'Phone {name}', 'Plan your visit'],
    faq: [
      { question: 'Can I book a table at {name}?', answer: 'Call {name} on {phone} to ask about a table.' },
      { question: 'Does {name} do takeaway?', answer: 'Ask the restaurant on {phone}.' },
    ],
  },
  {
    id: 'bakery', kind: 'bakery', trade: 'baking', storefront: true,
    synonyms: ['bakery', 'bakeries', 'bakers', 'baker', 'panaderia', 'pasteleria', 'boulangerie', 'patisserie', 'backerei', 'cake shop', 'bake shop'],
    services: ['Bread', 'Cakes', 'Pastries', 'Cookies'],
    headlines: ['{name}, a bakery in {city}', 'Bread and cakes from {name} in {city}', '{name}: baking on {street}', 'The {city} bakery {name}'],
    taglines: ['Bread, cakes and pastries on {street}, {city}.', 'A bakery in {city}: {name}.', 'Order a cake from {name} on {phone}.', 'Something sweet in {city}? Visit {name}.'],
    about: [
      'Bread for the table, a cake for a birthday, something sweet with coffee: that is what a bakery like {name} is for in {city}.',
      'Call {name} on {phone} to ask about a cake for an occasion.',
      'The counter at {name} on {street} is where you pick up your bread.',
      'Pop into {name} in {city} and see what is on the shelves today.',
    ],
    callsToAction: ['Order a cake', 'Visit the bakery', 'Call {name}', 'Plan your visit'],
    faq: [
      { question: 'Can I order a cake from {name}?', answer: 'Call {name} on {phone} to ask about ordering a cake.' },
      { question: 'Does {name} take orders for events?', answer: 'Phone {phone} and tell {name} what you need and when.' },
    ],
  },
  {
    id: 'salon', kind: 'hair salon', trade: 'hair care', storefront: true,
    synonyms: ['hair salon', 'salon', 'hairdresser', 'hairdressers', 'hair stylist', 'barber', 'barbershop', 'barber shop', 'peluqueria', 'salon de belleza', 'beauty salon', 'coiffeur', 'friseur', 'estetica'],
    services: ['Haircuts', 'Colouring', 'Blow-dry and styling', 'Beard trims'],
    headlines: ['{name}, hair salon in {city}', 'Haircuts and colour at {name}, {city}', '{name} on {street}', 'Your next haircut in {city}: {name}'],
    taglines: ['Cuts, colour and styling in {city}.', 'Book a haircut at {name} on {phone}.', 'A hair salon on {street}, {city}.', 'Time for a new look in {city}? Visit {name}.'],
    about: [
      'A quick trim, a new colour or a style for a big day: {name} is a hair salon in {city}.',
      'Call {name} on {phone} to book your chair.',
      'Tell {name} what you have in mind when you book.',
      'The salon at {street} in {city} is where {name} cuts, colours and styles.',
    ],
    callsToAction: ['Book an appointment', 'Call the salon', 'Book your haircut', 'Phone {name}'],
    faq: [
      { question: 'How do I book an appointment at {name}?', answer: 'Call {name} on {phone} to book.' },
      { question: 'Can I walk in at {name}?', answer: 'Call {phone} first to ask whether a chair is open.' },
    ],
  },
  {
    id: 'dentist', kind: 'dentist', trade: 'dental care', storefront: true,
    synonyms: ['dentist', 'dentists', 'dental', 'dental clinic', 'dental office', 'dental practice', 'dentista', 'clinica dental', 'dentiste', 'zahnarzt', 'odontologia', 'orthodontist'],
    services: ['Check-ups', 'Cleaning', 'Fillings', 'Tooth extraction'],
    headlines: ['{name}, dentist in {city}', 'Dental care in {city} at {name}', '{name}: your {city} dental practice', 'See a dentist in {city}: {name}'],
    taglines: ['A dental practice on {street}, {city}.', 'Check-ups and dental care in {city}.', 'Book a dental appointment on {phone}.', 'Looking after smiles in {city} at {name}.'],
    about: [
      'Regular check-ups keep small problems small, and {name} is a dental practice in {city} where you can book one.',
      'Call {name} on {phone} to book an appointment or to ask a question about a visit.',
      'If a tooth hurts, call {name} and explain what is happening.',
      'The practice at {street} in {city} sees patients for check-ups and treatment.',
    ],
    callsToAction: ['Book an appointment', 'Call the practice', 'Phone {name}', 'Book a check-up'],
    faq: [
      { question: 'How do I book an appointment at {name}?', answer: 'Call {name} on {phone}.' },
      { question: 'Is {name} taking new patients?', answer: 'Ask the practice on {phone}.' },
    ],
  },
  {
    id: 'auto repair', kind: 'auto repair shop', trade: 'car repairs', storefront: true,
    synonyms: ['auto repair', 'auto repair shop', 'car repair', 'mechanic', 'mechanics', 'auto mechanic', 'garage', 'auto shop', 'taller', 'taller mecanico', 'mecanico', 'garagiste', 'autowerkstatt', 'auto service'],
    services: ['Servicing', 'Brake repair', 'Oil changes', 'Diagnostics', 'Tyres'],
    headlines: ['{name}, car repairs in {city}', 'Auto repair in {city} at {name}', '{name}: your {city} garage', 'A mechanic in {city}: {name}'],
    taglines: ['Car servicing and repairs on {street}, {city}.', 'Strange noise from the car? Call {name} in {city}.', 'Book your car in on {phone}.', 'The {city} garage at {street}.'],
    about: [
      'A warning light, a squeaking brake or a service that is due: these are reasons to call {name}, a garage in {city}.',
      'Call {name} on {phone} to book your car in.',
      'Describe what the car is doing when you phone {name}; it helps them plan the work.',
      'Drivers in {city} can bring their cars to {name} at {street}.',
    ],
    callsToAction: ['Book your car in', 'Call the garage', 'Phone {name}', 'Ask about a repair'],
    faq: [
      { question: 'How do I book my car in at {name}?', answer: 'Call {name} on {phone}.' },
      { question: 'Can {name} look at a warning light?', answer: 'Phone {phone}, tell them which light is on, and they will tell you what to do next.' },
    ],
  },
  {
    id: 'cleaning', kind: 'cleaning service', trade: 'cleaning', storefront: false,
    synonyms: ['cleaning', 'cleaning service', 'cleaning services', 'cleaner', 'cleaners', 'house cleaning', 'maid service', 'janitorial', 'limpieza', 'servicio de limpieza', 'menage', 'nettoyage', 'office cleaning'],
    services: ['House cleaning', 'Office cleaning', 'Deep cleaning', 'Move-out cleaning'],
    headlines: ['{name}, cleaning in {city}', 'Cleaning in {city} by {name}', '{name}: a cleaning service for {city}', 'A cleaner home in {city} with {name}'],
    taglines: ['Cleaning in {city}, one call away at {phone}.', 'Book a cleaning with {name} on {phone}.', 'A {city} cleaning service based on {street}.', 'Less housework in {city}: call {name}.'],
    about: [
      'A weekly clean or a deep clean before guests arrive: {name} is a cleaning service in {city}.',
      'Call {name} on {phone} and say what needs cleaning and how often.',
      'Tell {name} the size of the place and where it is in {city} when you call.',
      'Homes across {city} need cleaning, and {name} does that work.',
    ],
    callsToAction: ['Book a cleaning', 'Call {name}', 'Ask about a cleaning', 'Phone for a visit'],
    faq: [
      { question: 'How do I book a cleaning with {name}?', answer: 'Call {name} on {phone} and describe the place you want cleaned.' },
      { question: 'Does {name} clean offices?', answer: 'Ask {name} on {phone}; the services they list are on this page.' },
    ],
  },
  {
    id: 'landscaping', kind: 'landscaper', trade: 'garden work', storefront: false,
    synonyms: ['landscaping', 'landscaper', 'landscapers', 'gardener', 'gardening', 'lawn care', 'lawn service', 'garden services', 'jardineria', 'jardinero', 'paysagiste', 'jardinier', 'tree service'],
    services: ['Lawn mowing', 'Hedge trimming', 'Garden clean-ups', 'Planting', 'Leaf removal'],
    headlines: ['{name}, gardens and lawns in {city}', 'Landscaping in {city} by {name}', '{name}: garden work in {city}', 'A tidier garden in {city} with {name}'],
    taglines: ['Lawns, hedges and gardens in {city}.', 'Garden getting away from you in {city}? Call {name}.', 'Book garden work with {name} on {phone}.', 'A {city} landscaper based on {street}.'],
    about: [
      'Mowing, trimming, planting or a full clean-up: {name} works on gardens and lawns in {city}.',
      'Call {name} on {phone} and describe the garden and what you would like done.',
      'A garden in {city} changes with every season, and {name} can help keep up with it.',
      'Front yard or back garden, small patch or large lawn: talk it through with {name}.',
    ],
    callsToAction: ['Call about your garden', 'Phone {name}', 'Ask about garden work', 'Book a visit'],
    faq: [
      { question: 'Can {name} look after my garden regularly?', answer: 'Call {name} on {phone} to talk about regular visits.' },
      { question: 'How do I ask {name} about a garden job?', answer: 'Phone {phone} with a description of the garden and your address in {city}.' },
    ],
  },
  {
    id: 'locksmith', kind: 'locksmith', trade: 'locks and keys', storefront: false,
    synonyms: ['locksmith', 'locksmiths', 'lock service', 'locks', 'cerrajero', 'cerrajeria', 'serrurier', 'schlusseldienst', 'key cutting'],
    services: ['Lockouts', 'Lock changes', 'Key cutting', 'Lock repair'],
    headlines: ['{name}, locksmith in {city}', 'Locks and keys in {city}: {name}', '{name}: your {city} locksmith', 'Locked out in {city}? Call {name}'],
    taglines: ['Locks and keys in {city}, from {name}.', 'Locked out in {city}? Call {name} on {phone}.', 'A locksmith for {city}.', 'The {city} locksmith on {street}.'],
    about: [
      'A key lost, a lock that sticks or a door you cannot open: {name} is a locksmith in {city}.',
      'Call {name} on {phone} and tell them where you are in {city} and what the problem is.',
      'Moving into a new home in {city} is a good moment to think about the locks, and {name} can talk it through with you.',
      'A door that will not lock properly is a job for a locksmith like {name}.',
    ],
    callsToAction: ['Call the locksmith', 'Phone {name}', 'Get help with a lock', 'Call now'],
    faq: [
      { question: 'I am locked out. What should I do?', answer: 'Call {name} on {phone} and say where you are in {city}.' },
      { question: 'Can {name} change my locks?', answer: 'Ask {name} on {phone}; the services they list are on this page.' },
    ],
  },
  {
    id: 'pet grooming', kind: 'pet groomer', trade: 'pet grooming', storefront: true,
    synonyms: ['pet grooming', 'pet groomer', 'dog grooming', 'dog groomer', 'groomer', 'grooming', 'peluqueria canina', 'estetica canina', 'toilettage', 'hundesalon', 'cat grooming'],
    services: ['Baths', 'Haircuts and trims', 'Nail clipping', 'Brushing'],
    headlines: ['{name}, pet grooming in {city}', 'Pet grooming in {city}: {name}', '{name} on {street}', 'A groomed pet in {city} with {name}'],
    taglines: ['Baths, trims and brushing for pets in {city}.', 'Book your pet in at {name} on {phone}.', 'A pet groomer on {street}, {city}.', 'Time for a trim? {name} is in {city}.'],
    about: [
      'A bath, a trim or a good brush: {name} grooms pets in {city}.',
      'Call {name} on {phone} to book an appointment for your pet.',
      'Tell {name} about your pet’s breed and coat when you book.',
      'Pet owners in {city} can bring their pets to {name} at {street}.',
    ],
    callsToAction: ['Book a grooming', 'Call {name}', 'Book your pet in', 'Phone the groomer'],
    faq: [
      { question: 'How do I book my dog in at {name}?', answer: 'Call {name} on {phone}.' },
      { question: 'Does {name} groom cats?', answer: 'Ask {name} on {phone}; the services they list are on this page.' },
    ],
  },
  {
    id: 'cafe', kind: 'café', trade: 'coffee', storefront: true,
    synonyms: ['cafe', 'cafes', 'coffee shop', 'coffee', 'coffee house', 'cafeteria', 'espresso bar', 'tea room', 'kaffee'],
    services: ['Coffee', 'Tea', 'Breakfast', 'Snacks'],
    headlines: ['{name}, a café in {city}', 'Coffee on {street}: {name}', '{name}: coffee in {city}', 'Meet at {name} in {city}'],
    taglines: ['Coffee and something to eat on {street}, {city}.', 'A café in {city}: {name}.', 'Coffee break in {city}? Stop at {name}.', 'Find {name} at {street}.'],
    about: [
      'A morning coffee, a catch-up with a friend or an hour with a book: {name} is a café in {city}.',
      'Find {name} at {street} in {city}.',
      'Questions about {name}? Call {phone}.',
      'Take a seat at {name} the next time you are on {street}.',
    ],
    callsToAction: ['Visit the café', 'Find us', 'Call {name}', 'Plan your visit'],
    faq: [
      { question: 'Can I book a table at {name}?', answer: 'Call {name} on {phone} to ask.' },
      { question: 'Can I sit down and stay a while at {name}?', answer: 'Ask {name} on {phone}, or come by {street} and see.' },
    ],
  },
  {
    id: 'florist', kind: 'florist', trade: 'flowers', storefront: true,
    synonyms: ['florist', 'florists', 'flower shop', 'flowers', 'floristeria', 'floreria', 'fleuriste', 'blumenladen'],
    services: ['Bouquets', 'Wedding flowers', 'Funeral flowers', 'Plants'],
    headlines: ['{name}, florist in {city}', 'Flowers from {name} in {city}', '{name}: bouquets on {street}', 'A {city} florist: {name}'],
    taglines: ['Bouquets and plants on {street}, {city}.', 'Order flowers from {name} on {phone}.', 'A flower shop in {city}.', 'Flowers for an occasion in {city}? Call {name}.'],
    about: [
      'A bouquet for a birthday, flowers for a wedding or a plant for the office: {name} is a florist in {city}.',
      'Call {name} on {phone} to order flowers.',
      'Tell {name} about the occasion and the colours you like when you order.',
      'The shop at {street} is where {name} puts its bouquets together for {city}.',
    ],
    callsToAction: ['Order flowers', 'Call the florist', 'Phone {name}', 'Visit the shop'],
    faq: [
      { question: 'How do I order flowers from {name}?', answer: 'Call {name} on {phone} or visit the shop at {address}.' },
      { question: 'Does {name} do wedding flowers?', answer: 'Ask {name} on {phone}; the services they list are on this page.' },
    ],
  },
];

/** Sentences any kind of business can use, by place in the page. */
export const GENERIC = {
  headlines: [
    '{name} in {city}', '{Kind} in {city}: {name}', '{name}, {city}', 'Welcome to {name}', '{name} on {street}',
    'Say hello to {name}', '{name}: {aKind} in {city}', 'This is {name}, {city}',
  ],
  taglines: [
    '{AKind} in {city}.', 'Call {name} on {phone}.', '{Kind} at {street}, {city}.', 'Find {name} in {city}.',
    '{name}, {street}, {city}.', 'In {city}? {name} is on {phone}.', '{AKind} for {city}, on {phone}.',
  ],
  openersShop: [
    '{name} is {aKind} at {street} in {city}.',
    'You will find {name} at {street}, {city}.',
    '{name} is a {city} {kind} on {street}.',
    'On {street} in {city} there is {aKind} called {name}.',
    'Looking for {aKind} in {city}? {name} is at {street}.',
    'Meet {name}, {aKind} in {city}.',
    'Welcome to {name}, {aKind} at {street}.',
    'In {city}, {name} is the {kind} at {street}.',
    'If you are near {street} in {city}, {name} is close by.',
  ],
  openersTrade: [
    '{name} is {aKind} based in {city}.',
    'Based at {street}, {name} is {aKind} in {city}.',
    'Looking for {aKind} in {city}? {name} is one phone call away.',
    '{name} is a name to call for {trade} in {city}.',
    'For {trade} in {city}, there is {name}.',
    'Meet {name}, {aKind} in {city}.',
    'Need {aKind} in {city}? Say hello to {name}.',
    '{name} takes on {trade} for people in {city}.',
    'When {trade} comes up in {city}, {name} is a number to have.',
  ],
  services: [
    'Services at {name} include {services}.',
    '{name} lists {services} among its services.',
    'Ask {name} about {services}.',
    'What {name} offers: {services}.',
    'You can come to {name} for {services}.',
    'The work of {name} covers {services}.',
    'Among the services of {name}: {services}.',
    'On the list at {name} you will find {services}.',
    'Talk to {name} about {services}.',
  ],
  hours: [
    'The opening hours of {name} are listed on this page.',
    'Check the hours below before you head to {street}.',
    'See when {name} is open in the hours below.',
    'The hours below show when {name} is open.',
    'Plan around the opening hours of {name}, shown on this page.',
    'Before you come to {street}, have a look at the hours.',
    'Opening hours for {name} in {city} are just below.',
  ],
  rating: [
    '{name} has a rating of {rating} out of 5{fromReviews}.',
    'Customers rate {name} {rating} out of 5{fromReviews}.',
    '{name} is rated {rating} out of 5{fromReviews}.',
    '{name} in {city} carries a rating of {rating} out of 5{fromReviews}.',
  ],
  closersShop: [
    'Call {phone} or visit {street} in {city}.',
    'Drop in at {street} or call {name} on {phone}.',
    'Reach the {kind} on {phone}, or stop by at {street}.',
    '{name} is at {street}, {city}, and on the phone at {phone}.',
    'Questions before you visit? {name} is on {phone}.',
    'See you at {street}, or call {phone} first.',
    'Come by {street} in {city}, or phone {phone} with a question.',
    'The door is at {street}; the phone number is {phone}.',
  ],
  closersTrade: [
    'To get in touch, call {name} on {phone}.',
    'Give the {kind} a call on {phone}.',
    'Dial {phone} to reach {name} in {city}.',
    'Questions? {name} is on {phone}.',
    'Pick up the phone and call the {kind} on {phone}.',
    'One call to {phone} is all it takes to reach {name}.',
    'The number to save for {trade} in {city}: {phone}.',
    'Call {phone} to talk to {name} about the job.',
  ],
  callsToAction: ['Call now', 'Get in touch', 'Call {name}', 'Contact {name}', 'Call {phone}', 'Ring {name}'],
};

/** Questions every site can answer from the listing's facts, by the fact they need. */
export const FACT_FAQ = {
  phone: [
    { question: 'How can I reach {name}?', answer: 'Call {name} on {phone}.' },
    { question: 'What is the phone number of {name}?', answer: 'The number of {name} is {phone}.' },
    { question: 'How do I contact {name}?', answer: 'Phone {name} on {phone}.' },
    { question: 'Can I phone {name}?', answer: 'Yes: the number of {name} is {phone}.' },
  ],
  address: [
    { question: 'Where is {name}?', answer: '{name} is at {address}.' },
    { question: 'Where can I find {name}?', answer: 'You will find {name} at {address}.' },
    { question: 'What is the address of {name}?', answer: 'The address of {name} is {address}.' },
    { question: 'How do I find {name} in {city}?', answer: 'Head to {address}.' },
  ],
  hours: [
    { question: 'When is {name} open?', answer: '{name} is open {hours}.' },
    { question: 'What are the opening hours of {name}?', answer: 'The opening hours of {name} are {hours}.' },
    { question: 'Which hours does {name} keep?', answer: '{name} keeps these hours: {hours}.' },
  ],
  services: [
    { question: 'What services does {name} offer?', answer: '{name} lists these services: {services}.' },
    { question: 'What can {name} help with?', answer: 'The services {name} lists are {services}.' },
  ],
  area: [
    { question: 'Which area does {name} work in?', answer: '{name} is based in {city}; call {phone} to check whether they come to your address.' },
    { question: 'Is {name} in {city}?', answer: 'Yes, {name} is at {street} in {city}.' },
  ],
  rating: [
    { question: 'How do customers rate {name}?', answer: '{name} has a rating of {rating} out of 5{fromReviews}.' },
  ],
};

/** Knowledge for a category no entry knows: the listing's own category word, and only generic wording. */
function generalKnowledge(category: string): CategoryKnowledge {
  const kind = category.trim().toLowerCase();
  return {
    id: 'general', kind, trade: kind, storefront: true, synonyms: [], services: [],
    headlines: [], taglines: [], about: [], callsToAction: [], faq: [],
  };
}

/** The knowledge for a listing's category: an exact synonym first, then a synonym among its words, else the general one. */
export function categoryKnowledge(category: string): CategoryKnowledge {
  const plain = transliterate(category);
  const exact = CATEGORIES.find((c) => c.id === plain || c.synonyms.includes(plain));
  if (exact) return exact;
  const padded = ` ${plain} `;
  const partial = CATEGORIES.find((c) => c.synonyms.some((s) => padded.includes(` ${s} `)));
  return partial ?? generalKnowledge(category);
}

import type { CategoryRecord } from './model.js';

/** Seeded at start-up when missing. */
export const DEFAULT_CATEGORIES: CategoryRecord[] = [
  { _id: 'music', name: 'Music', icon: '🎵', color: '#8e44ad', sortOrder: 1 },
  { _id: 'sports', name: 'Sports & Fitness', icon: '🏃', color: '#27ae60', sortOrder: 2 },
  { _id: 'food', name: 'Food & Drink', icon: '🍽️', color: '#e67e22', sortOrder: 3 },
  { _id: 'tech', name: 'Tech', icon: '💻', color: '#2980b9', sortOrder: 4 },
  { _id: 'arts', name: 'Arts & Culture', icon: '🎨', color: '#c0392b', sortOrder: 5 },
  { _id: 'outdoors', name: 'Outdoors', icon: '🏕️', color: '#16a085', sortOrder: 6 },
  { _id: 'social', name: 'Social', icon: '🥂', color: '#d35400', sortOrder: 7 },
  { _id: 'learning', name: 'Learning', icon: '📚', color: '#34495e', sortOrder: 8 },
  { _id: 'family', name: 'Family', icon: '👨‍👩‍👧', color: '#f1c40f', sortOrder: 9 },
  { _id: 'wellness', name: 'Wellness', icon: '🧘', color: '#1abc9c', sortOrder: 10 },
];
